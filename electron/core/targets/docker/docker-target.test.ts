/**
 * The Docker target against the real engine, with the offline images (npm run images:offline).
 * One stack is deployed for the whole file and reused by every check, in order, to keep the
 * suite's time down; afterAll tears it down whatever happened.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreEvent, StackStatus } from '../../contract.ts';
import { Controller } from '../../controller.ts';
import { EngineUnavailableError, ValidationError } from '../../errors.ts';
import { loadSettings, type Settings } from '../../settings.ts';
import { DockerTarget } from './docker-target.ts';
import { assertEngine } from './connect.ts';
import { stackFilter } from './labels.ts';
import { startLoad } from '../../../test-support/docker-load.ts';
import { offlineSettingsFile } from '../../../../scripts/lib/offline-images.ts';
import { waitUntil } from '../../../test-support/wait.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../../..');
const STACK = `t-${randomBytes(3).toString('hex')}`;
const docker = new Dockerode();
let settings: Settings;
let settingsFile: string;
let controller: Controller;
let target: DockerTarget;
const events: CoreEvent[] = [];

function attach(): void {
  target = new DockerTarget(docker, settings, { stack: STACK });
  controller = new Controller(target, { maxReplicas: settings.maxReplicas });
  controller.observe((event) => events.push(event));
}

/** Sends `count` requests through the LB and returns the distinct X-Replica values. */
async function replicasBehindLb(status: StackStatus, count: number): Promise<Set<string>> {
  const load = startLoad({
    url: `${status.endpoints.loadBalancer}/healthz`,
    concurrency: 4,
    maxRequests: count,
  });
  const result = await load.finished;
  expect(result.failed, result.failures.join('\n')).toBe(0);
  return new Set(result.replicas.keys());
}

async function containersOfStack(): Promise<Dockerode.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: stackFilter(STACK) });
}

beforeAll(async () => {
  settingsFile = await offlineSettingsFile();
  settings = await loadSettings(settingsFile);
  // A prebuilt API image can stand in for building service/ (e.g. while iterating on the target).
  if (process.env.SCALEDECK_TEST_API_IMAGE)
    settings = { ...settings, images: { ...settings.images, api: process.env.SCALEDECK_TEST_API_IMAGE } };
  settings = { ...settings, drainSeconds: 10 };
  attach();
  await controller.deploy({ replicas: 2 });
});

afterAll(async () => {
  await controller?.dispose();
  const cleanup = new DockerTarget(docker, settings ?? (await loadSettings(undefined)), { stack: STACK });
  await cleanup.teardown({ deleteVolumes: true });
});

describe('Docker target against the real engine', () => {
  it('deploy: every part healthy, published on 127.0.0.1, every replica reached through the LB', async () => {
    const status = await controller.status();
    expect(status.phase).toBe('running');
    expect(status.components).toEqual({
      postgres: 'healthy',
      redis: 'healthy',
      lb: 'healthy',
      prometheus: 'healthy',
    });
    expect(status.readyReplicas).toBe(2);
    expect(status.endpoints.loadBalancer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(status.endpoints.prometheus).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const seen = await replicasBehindLb(status, 60);
    expect(seen).toEqual(new Set(status.replicas.map((replica) => replica.name)));

    // Every object carries the stack and a role; published ports bind to 127.0.0.1 only.
    for (const info of await containersOfStack()) {
      expect(info.Labels['scaledeck.role']).toMatch(/^(api|postgres|redis|lb|prometheus|state)$/);
      for (const port of info.Ports.filter((entry) => entry.PublicPort)) expect(port.IP).toBe('127.0.0.1');
    }
    // Prometheus discovers both replicas through DNS.
    await waitUntil('Prometheus scraping both replicas', 20_000, async () => {
      const body = (await (await fetch(`${status.endpoints.prometheus}/api/v1/targets`)).json()) as {
        data: { activeTargets: { labels: { job: string }; health: string }[] };
      };
      return body.data.activeTargets.filter((t) => t.labels.job === 'api' && t.health === 'up').length === 2;
    });
    // Secrets never appear in the status the UI and the CLI print.
    expect(JSON.stringify(status)).not.toMatch(/PASSWORD|JWT/i);
  });

  it('rejects bad input with an error naming the field, and changes nothing', async () => {
    const before = await controller.status();
    const cases: [() => Promise<unknown>, string][] = [
      [() => controller.scale({ replicas: -1 }), 'replicas'],
      [() => controller.scale({ replicas: 1_000_000 }), 'replicas'],
      [() => controller.scale({ replicas: 1.5 }), 'replicas'],
      [() => controller.scale({ replicas: 2, extra: true }), 'extra'],
      [
        () =>
          controller.setAutoscaler({
            enabled: true,
            minReplicas: 5,
            maxReplicas: 2,
            targetCpuUtilizationPercent: 50,
          }),
        'minReplicas',
      ],
      [
        () =>
          controller.setAutoscaler({
            enabled: true,
            minReplicas: 1,
            maxReplicas: 3,
            targetCpuUtilizationPercent: 0,
          }),
        'targetCpuUtilizationPercent',
      ],
      [
        () =>
          controller.setAutoscaler({
            enabled: true,
            minReplicas: 1,
            maxReplicas: 3,
            targetCpuUtilizationPercent: 1000,
          }),
        'targetCpuUtilizationPercent',
      ],
      [
        () =>
          controller.setAutoscaler({
            enabled: true,
            minReplicas: 1,
            maxReplicas: 3,
            targetCpuUtilizationPercent: 50,
            profile: 'fast',
          }),
        'profile',
      ],
    ];
    for (const [call, field] of cases) {
      const error = await call().then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error, `expected a ValidationError on ${field}`).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
      expect((error as ValidationError).message).toContain(field);
    }
    const after = await controller.status();
    expect(after.desiredReplicas).toBe(before.desiredReplicas);
    expect(after.autoscaler).toBeNull();
    expect(after.replicas.map((r) => r.id).sort()).toEqual(before.replicas.map((r) => r.id).sort());
  });

  it('scales 1 -> 5 -> 2; the LB reaches exactly the live replicas', async () => {
    await controller.scale({ replicas: 1 });
    let status = await target.waitReady();
    expect(status.replicas).toHaveLength(1);
    expect(await replicasBehindLb(status, 20)).toEqual(new Set([status.replicas[0]?.name]));

    await controller.scale({ replicas: 5 });
    status = await target.waitReady();
    expect(status.readyReplicas).toBe(5);
    // DNS answers are cached for up to 1 s by NGINX: give it that, then expect all five.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await replicasBehindLb(status, 150)).toEqual(new Set(status.replicas.map((r) => r.name)));

    await controller.scale({ replicas: 2 });
    status = await target.waitReady();
    expect(status.replicas).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await replicasBehindLb(status, 60)).toEqual(new Set(status.replicas.map((r) => r.name)));
  });

  it('scale up then down under load: 0 failed requests', async () => {
    await controller.scale({ replicas: 1 });
    const status = await target.waitReady();
    const load = startLoad({
      url: `${status.endpoints.loadBalancer}/users?limit=1`,
      concurrency: 6,
      maxDurationMs: 90_000,
      okStatuses: [401],
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await controller.scale({ replicas: 4 });
    await target.waitReady();
    const up = { sent: load.result.sent, failed: load.result.failed };
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await controller.scale({ replicas: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const result = await load.stop();
    console.log(
      `under load: scale 1 -> 4 ${up.sent} requests, ${up.failed} failed; ` +
        `whole run incl. 4 -> 1 ${result.sent} requests, ${result.failed} failed`,
    );
    expect(result.sent).toBeGreaterThan(100);
    expect(result.failed, result.failures.join('\n')).toBe(0);
    expect((await controller.status()).replicas).toHaveLength(1);
  });

  it('kill or remove a replica under load: replaced within 5 s, 0 failed requests', async () => {
    await controller.scale({ replicas: 3 });
    const status = await target.waitReady();
    controller.start();
    const load = startLoad({
      url: `${status.endpoints.loadBalancer}/users?limit=1`,
      concurrency: 6,
      maxDurationMs: 60_000,
      okStatuses: [401],
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const victim = status.replicas[0]!;
    const killedAt = Date.now();
    await docker.getContainer(victim.id).kill({ signal: 'SIGKILL' });
    // Replaced means: the engine restarted it (restart policy) or the reconcile loop created another.
    const replaced = async () => {
      const info = await docker
        .getContainer(victim.id)
        .inspect()
        .catch(() => null);
      return info === null || (info.State.Running && Date.parse(info.State.StartedAt) > killedAt);
    };
    // A generous bound: how fast is printed below and measured by bench:docker, not asserted here.
    await waitUntil(
      'three ready replicas again',
      60_000,
      async () => (await replaced()) && (await controller.status()).readyReplicas === 3,
      { intervalMs: 200 },
    );
    const replacedMs = Date.now() - killedAt;

    // A replica removed behind Scaledeck's back: only the reconcile loop can bring the count back.
    const removed = (await controller.status()).replicas[1]!;
    const removedAt = Date.now();
    await docker.getContainer(removed.id).remove({ force: true });
    await waitUntil(
      'three ready replicas after a removal',
      60_000,
      async () => {
        const now = await controller.status();
        return now.readyReplicas === 3 && !now.replicas.some((r) => r.id === removed.id);
      },
      { intervalMs: 200 },
    ).catch(async (error: unknown) => {
      const since = events.filter((e) => e.at >= removedAt).map((e) => ({ ...e, at: e.at - removedAt }));
      const now = await controller.status();
      throw new Error(
        `${(error as Error).message}\nevents: ${JSON.stringify(since)}\nreplicas: ${JSON.stringify(now.replicas)}`,
      );
    });
    const recreatedMs = Date.now() - removedAt;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const result = await load.stop();
    console.log(
      `under load: killed replica back in ${replacedMs} ms, removed replica recreated in ${recreatedMs} ms; ` +
        `${result.sent} requests, ${result.failed} failed`,
    );
    expect(result.failed, result.failures.join('\n')).toBe(0);
    expect(events.some((e) => e.type === 'scale' && e.source === 'reconcile')).toBe(true);
  });

  it('a restarted controller re-attaches without creating duplicates', async () => {
    const before = await controller.status();
    await controller.dispose();
    attach();
    controller.start();
    // Several reconcile periods: nothing may be created or removed.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const after = await controller.status();
    expect(after.phase).toBe('running');
    expect(after.replicas.map((r) => r.id).sort()).toEqual(before.replicas.map((r) => r.id).sort());
    expect((await containersOfStack()).filter((c) => c.Labels['scaledeck.role'] === 'postgres')).toHaveLength(
      1,
    );
    // The re-attached target still knows the stack's secrets: a new replica becomes ready.
    await controller.scale({ replicas: 4 });
    expect((await target.waitReady()).readyReplicas).toBe(4);
    await controller.scale({ replicas: 2 });
  });

  it('the autoscaler (demo profile) scales out under CPU-heavy load and back in after it stops', async () => {
    await controller.scale({ replicas: 1 });
    const status = await target.waitReady();
    await controller.setAutoscaler({
      enabled: true,
      minReplicas: 1,
      maxReplicas: 4,
      targetCpuUtilizationPercent: 50,
      profile: 'demo',
    });
    await expect(controller.scale({ replicas: 3 })).rejects.toMatchObject({ code: 'AUTOSCALER_ACTIVE' });
    // Wrong-password logins for unknown emails still pay a full scrypt: CPU work on every request.
    const load = startLoad({
      url: `${status.endpoints.loadBalancer}/auth/token`,
      method: 'POST',
      body: { email: 'nobody@example.com', password: 'not-the-password' },
      concurrency: 6,
      maxDurationMs: 120_000,
      okStatuses: [401],
    });
    let out: StackStatus;
    try {
      out = await waitUntil('the autoscaler scaling out', 90_000, async () => {
        const now = await controller.status();
        return now.desiredReplicas > 1 ? now : null;
      });
    } finally {
      await load.stop();
    }
    const decisions = events.flatMap((e) => (e.type === 'autoscaler' ? [e.decision] : []));
    console.log(`scaled out to ${out.desiredReplicas}: ${decisions.at(-1)?.reason}`);
    expect(decisions.length).toBeGreaterThan(0);
    expect(decisions.every((d) => d.profile === 'demo')).toBe(true);
    // Back in after the load stops: the demo scale-down stabilization window is 30 s.
    await waitUntil(
      'the autoscaler scaling back in',
      120_000,
      async () => (await controller.status()).desiredReplicas === 1,
    );
    const last = events.flatMap((e) => (e.type === 'autoscaler' ? [e.decision] : [])).at(-1);
    console.log(`scaled back in: ${last?.reason}`);
    await controller.setAutoscaler({ enabled: false });
  }, 300_000);

  it('the CLI reports status as JSON and exits 2 on bad input', async () => {
    const cli = path.join(ROOT, 'scripts/scaledeck');
    const env = { ...process.env, SCALEDECK_SETTINGS: settingsFile };
    const { stdout } = await run(cli, ['--stack', STACK, 'status', '--json'], { env });
    const status = JSON.parse(stdout) as StackStatus;
    expect(status.endpoints.loadBalancer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(status.replicas.every((r) => typeof r.state === 'string')).toBe(true);
    const bad = await run(cli, ['--stack', STACK, 'scale', '1000000'], { env }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(bad?.code).toBe(2);
    expect(bad?.stderr).toContain('replicas');
  });

  it('no engine: a clear error that says how to start one', async () => {
    const error = await assertEngine(new Dockerode({ socketPath: '/nonexistent/docker.sock' }), 2000).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect((error as Error).message).toMatch(/start/);
  });

  it('teardown removes everything labelled with the stack; the data volume is kept unless asked', async () => {
    await controller.dispose();
    attach();
    await controller.teardown({ deleteVolumes: false });
    expect(await containersOfStack()).toEqual([]);
    expect(await docker.listNetworks({ filters: stackFilter(STACK) })).toEqual([]);
    const kept = await docker.listVolumes({ filters: stackFilter(STACK) });
    expect(kept.Volumes?.map((v) => v.Name)).toEqual([`scaledeck-${STACK}-pgdata`]);
    expect((await controller.status()).phase).toBe('absent');
    await controller.teardown({ deleteVolumes: true });
    expect((await docker.listVolumes({ filters: stackFilter(STACK) })).Volumes ?? []).toEqual([]);
  });
});
