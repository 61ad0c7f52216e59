/**
 * The Kubernetes target at the edges of the local cluster (e2e/cluster) with the offline images:
 * a stack reached only through port-forward tunnels, and more API replicas than the node's CPU
 * can hold. One small stack for the file; afterAll deletes it with its volume and brings the
 * cluster down (SCALEDECK_KEEP_CLUSTER=1 keeps it up). Needs root (the harness does).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { CoreV1Api } from '@kubernetes/client-node';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineSettingsFile } from '../../../../scripts/lib/offline-images.ts';
import type { CoreEvent } from '../../contract.ts';
import { Controller } from '../../controller.ts';
import { ScaledeckError } from '../../errors.ts';
import { loadSettings, parseSettings, type Settings } from '../../settings.ts';
import { removeStackThenCluster, localClusterUp } from '../../../test-support/local-cluster.ts';
import { waitUntil } from '../../../test-support/wait.ts';
import { KubernetesTarget } from './kubernetes-target.ts';

const STACK = `l-${randomBytes(3).toString('hex')}`;
const isRoot = process.getuid?.() === 0;
let kubeconfig = '';
let settings: Settings;
let target: KubernetesTarget;
let controller: Controller;
const events: CoreEvent[] = [];

/** "500m" -> 500, "2" -> 2000, "0.5" -> 500 (millicores). */
function millicores(quantity: string | undefined): number {
  if (quantity === undefined) return 0;
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) : Math.round(Number(quantity) * 1000);
}

/**
 * How many more API replicas the node can take: its allocatable CPU less the requests of every
 * pod bound to it that has not ended (the scheduler's own sum; no pod here has init containers
 * or overhead), over the API's request.
 */
async function apiReplicasThatStillFit(core: CoreV1Api, apiRequestMillicores: number): Promise<number> {
  const nodes = (await core.listNode()).items;
  expect(nodes, 'the local cluster has one node').toHaveLength(1);
  const node = nodes[0];
  const allocatable = millicores(node?.status?.allocatable?.cpu);
  const pods = await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node?.metadata?.name}` });
  const requested = pods.items
    .filter((pod) => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed')
    .flatMap((pod) => pod.spec?.containers ?? [])
    .reduce((sum, container) => sum + millicores(container.resources?.requests?.cpu), 0);
  return Math.floor((allocatable - requested) / apiRequestMillicores);
}

describe.skipIf(!isRoot)('Kubernetes target: port-forward reach, and replicas no node can take', () => {
  beforeAll(async () => {
    // Through the settings file's key, as a user sets it, not the constructor option.
    const offline = await loadSettings(await offlineSettingsFile());
    settings = parseSettings({ ...offline, drainSeconds: 5, kubernetes: { reach: 'port-forward' } });
    kubeconfig = await localClusterUp();
    target = new KubernetesTarget(settings, { stack: STACK, kubeconfig, docker: new Dockerode() });
    controller = new Controller(target, { maxReplicas: settings.maxReplicas });
    controller.observe((event) => events.push(event));
    await controller.deploy({ replicas: 1 });
  }, 45 * 60_000);

  afterAll(() => removeStackThenCluster(settings, STACK, kubeconfig, controller), 300_000);

  it('reach port-forward: both URLs are tunnels on 127.0.0.1; a user created through one reads back, the second time from the cache', async () => {
    const status = await controller.status();
    expect(status).toMatchObject({ phase: 'running', readyReplicas: 1 });
    const lb = status.endpoints.loadBalancer ?? '';
    expect(lb).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(status.endpoints.prometheus).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${status.endpoints.prometheus}/-/ready`)).status).toBe(200);

    const json = { 'content-type': 'application/json' };
    const email = `pf-${randomBytes(4).toString('hex')}@example.com`;
    const password = randomBytes(12).toString('hex');
    const created = await fetch(`${lb}/users`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ name: 'Tunnel Test', email, password }),
    });
    expect(created.status).toBe(201);
    const user = (await created.json()) as { id: string };
    const tokenResponse = await fetch(`${lb}/auth/token`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email, password }),
    });
    expect(tokenResponse.status).toBe(200);
    const { token } = (await tokenResponse.json()) as { token: string };
    const read = () => fetch(`${lb}/users/${user.id}`, { headers: { authorization: `Bearer ${token}` } });
    const first = await read();
    expect(first.status).toBe(200);
    expect(((await first.json()) as { email: string }).email).toBe(email);
    const second = await read();
    expect(second.status).toBe(200);
    expect(second.headers.get('x-cache')).toBe('hit');
  });

  it('more replicas than the node holds: the wait fails with the scheduler’s reason and the fix, status shows who is pending and why, scaling back recovers', async () => {
    const apiRequest = Math.round(settings.replicaCpus * 1000);
    const running = (await controller.status()).desiredReplicas;
    const fit = await apiReplicasThatStillFit(target.core, apiRequest);
    const wanted = running + fit + 1;
    expect(wanted, 'settings.maxReplicas allows one replica past the node').toBeLessThanOrEqual(
      settings.maxReplicas,
    );
    console.log(`node: room for ${fit} more API replicas at ${apiRequest}m; scaling ${running} -> ${wanted}`);

    // The target's own estimate (a fresh target: its cache starts now) is the same total.
    const fresh = new KubernetesTarget(settings, { stack: STACK, kubeconfig, docker: new Dockerode() });
    try {
      const { capacity } = await fresh.status();
      console.log(`status().capacity: ${JSON.stringify(capacity)}`);
      expect(capacity?.replicas).toBe(running + fit);
      expect(capacity?.basis).toMatch(
        new RegExp(
          `^[\\d.]+ CPUs? allocatable on 1 node, [\\d.]+ requested by other pods, ${settings.replicaCpus} CPU requested per replica$`,
        ),
      );
    } finally {
      await fresh.dispose();
    }

    await controller.scale({ replicas: wanted });
    const startedAt = Date.now();
    const failure = await target.waitReady().then(
      () => null,
      (error: unknown) => error,
    );
    console.log(
      `the wait gave up after ${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${String(failure)}`,
    );
    // A plain timeout (code TIMEOUT after 180 s) would mean the reason was never looked at.
    expect(failure).toBeInstanceOf(ScaledeckError);
    expect(failure).toMatchObject({ code: 'UNSCHEDULABLE', field: 'replicas' });
    const message = (failure as ScaledeckError).message;
    expect(message).toMatch(/1 of \d+ API replicas cannot be scheduled/);
    expect(message).toMatch(/Pending: 0\/1 nodes are available: 1 Insufficient cpu/);
    expect(message).toContain('lower the replicas');
    expect(message).toContain(`settings.replicaCpus, now ${settings.replicaCpus} CPU per replica`);
    expect(message).toContain('add nodes');

    const status = await controller.status();
    const pending = status.replicas.filter((replica) => replica.state === 'pending');
    expect(pending).toHaveLength(1);
    expect(pending[0]?.reason).toBe('0/1 nodes are available: 1 Insufficient cpu');
    expect(status).toMatchObject({ phase: 'degraded', desiredReplicas: wanted, readyReplicas: wanted - 1 });
    // As many got Ready as the estimate said would fit.
    expect(status.capacity?.replicas).toBe(wanted - 1);
    expect(status.replicas.filter((replica) => replica.state === 'ready').every((r) => !r.reason)).toBe(true);

    // Once per pod, however often the scheduler retried it.
    const pendingName = pending[0]?.name ?? '';
    await waitUntil('the Pending event', 10_000, async () =>
      events.some((e) => e.type === 'error' && e.error.message.startsWith(`pod ${pendingName} Pending:`)),
    );
    const aboutIt = events.filter(
      (e) => e.type === 'error' && e.error.message.includes(pendingName),
    ) as Extract<CoreEvent, { type: 'error' }>[];
    expect(aboutIt.map((e) => e.error)).toEqual([
      {
        code: 'CLUSTER_WARNING',
        message: `pod ${pendingName} Pending: 0/1 nodes are available: 1 Insufficient cpu`,
      },
    ]);

    await controller.scale({ replicas: running });
    const recovered = await target.waitReady();
    expect(recovered).toMatchObject({ phase: 'running', readyReplicas: running });
    expect(recovered.replicas.filter((replica) => replica.state !== 'draining')).toHaveLength(running);
    expect(recovered.replicas.some((replica) => replica.state === 'pending')).toBe(false);
  }, 240_000);

  it('CLI scale past the estimate warns that the rest will stay Pending before it waits, then fails with the reason', async () => {
    const { capacity, desiredReplicas: running } = await controller.status();
    expect(capacity).not.toBeNull();
    const fit = capacity?.replicas ?? 0;
    const dir = await mkdtemp(path.join(tmpdir(), 'scaledeck-limits-'));
    try {
      const settingsFile = path.join(dir, 'settings.json');
      await writeFile(settingsFile, JSON.stringify(settings));
      const cli = path.resolve(import.meta.dirname, '../../../cli.ts');
      const args = ['--settings', settingsFile, '--target', 'kubernetes', '--stack', STACK];
      const failure = await promisify(execFile)(process.execPath, [cli, ...args, 'scale', String(fit + 1)], {
        env: { ...process.env, KUBECONFIG: kubeconfig },
      }).then(
        () => null,
        (error: unknown) => error as { code: number; stderr: string },
      );
      console.log(`scaledeck scale ${fit + 1}: exit ${failure?.code}\n${failure?.stderr}`);
      expect(failure?.code).toBe(1);
      const stderr = failure?.stderr ?? '';
      const warning = `warning: about ${fit} API replicas fit (${capacity?.basis}); the other 1 will stay Pending`;
      expect(stderr).toContain(warning);
      expect(stderr.indexOf(warning)).toBeLessThan(stderr.indexOf('cannot be scheduled'));
    } finally {
      await rm(dir, { recursive: true, force: true });
      await controller.scale({ replicas: running });
      await target.waitReady();
    }
  }, 240_000);
});
