/**
 * Switching the session's target (target:select) on real parts: a session opened on the local
 * Docker engine switches to the local cluster's context `scaledeck-local` and back, without a
 * stack deployed on either (status of an undeployed stack is enough, which keeps the cluster hold
 * short). A bogus context and an unreachable cluster leave the session where it was. Run it under
 * the cluster lock with SCALEDECK_KEEP_CLUSTER=1 (see the README); needs root for the cluster.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SequencedEvent } from './contract.ts';
import type { Controller } from './controller.ts';
import { ScaledeckError } from './errors.ts';
import { Session } from './session.ts';
import { loadSettings } from './settings.ts';
import type { KubernetesTarget } from './targets/kubernetes/kubernetes-target.ts';
import { localClusterDownUnlessKept, localClusterUp } from '../test-support/local-cluster.ts';
import { offlineSettingsFile } from '../../scripts/lib/offline-images.ts';

const STACK = `sw-${randomBytes(3).toString('hex')}`;
const isRoot = process.getuid?.() === 0;
if (!isRoot)
  console.warn('[session-target] skipped: the local cluster needs root (the harness runs as root)');

let tmp = '';
let session: Session;
let deadServer: Server;
const events: SequencedEvent[] = [];

const targetEvents = () =>
  events.flatMap((e) => (e.type === 'target' ? [`${e.status} ${e.from.id} -> ${e.to.id}`] : []));

async function refusal(work: Promise<unknown>): Promise<ScaledeckError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof ScaledeckError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

/** A kubeconfig whose one context points at a port that refuses connections. */
async function unreachableKubeconfig(file: string, port: number): Promise<void> {
  await writeFile(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: gone',
      `  cluster: { server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true }`,
      'users:',
      '- name: gone',
      '  user: { token: not-a-token }',
      'contexts:',
      '- name: scaledeck-gone',
      '  context: { cluster: gone, user: gone }',
      '',
    ].join('\n'),
  );
}

describe.skipIf(!isRoot)('target:select on the local Docker engine and the local cluster', () => {
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'scaledeck-switch-'));
    const cluster = await localClusterUp();
    // A port that was free a moment ago and is closed now: the apiserver there refuses at once.
    deadServer = createServer();
    const port = await new Promise<number>((resolve) =>
      deadServer.listen(0, '127.0.0.1', () => resolve((deadServer.address() as { port: number }).port)),
    );
    await new Promise<void>((resolve) => deadServer.close(() => resolve()));
    const gone = path.join(tmp, 'gone.yaml');
    await unreachableKubeconfig(gone, port);
    const settings = await loadSettings(await offlineSettingsFile());
    session = new Session({ settings, stack: STACK, kubeconfig: `${cluster}${path.delimiter}${gone}` });
    session.subscribe((event) => events.push(event));
    await session.open();
  }, 300_000);

  afterAll(async () => {
    await session?.dispose();
    if (tmp) await rm(tmp, { recursive: true, force: true });
    await localClusterDownUnlessKept();
  }, 120_000);

  it('opens on Docker; targets:list names the cluster context, reachable, and the dead one, unreachable', async () => {
    expect(await session.invoke('target:current', {})).toEqual({
      kind: 'docker',
      id: 'docker',
      label: 'Local Docker engine',
    });
    expect((await session.invoke('stack:status', {})).target).toBe('docker');
    const targets = await session.invoke('targets:list', {});
    expect(targets.find((t) => t.id === 'kubernetes:scaledeck-local')?.available).toBe(true);
    expect(targets.find((t) => t.id === 'kubernetes:scaledeck-gone')?.available).toBe(false);
  });

  it('switches to scaledeck-local: status reports kubernetes, every client hears it, Docker loops stop', async () => {
    const dockerController = session.controller;
    const current = await session.invoke('target:select', { kind: 'kubernetes', context: 'scaledeck-local' });
    expect(current).toEqual({
      kind: 'kubernetes',
      id: 'kubernetes:scaledeck-local',
      label: 'Kubernetes: scaledeck-local',
      context: 'scaledeck-local',
      namespace: `scaledeck-${STACK}`,
    });
    expect(await session.invoke('target:current', {})).toEqual(current);
    const status = await session.invoke('stack:status', {});
    expect(status).toMatchObject({ target: 'kubernetes', stack: STACK, phase: 'absent' });
    expect(targetEvents()).toEqual([
      'switching docker -> kubernetes:scaledeck-local',
      'switched docker -> kubernetes:scaledeck-local',
    ]);
    // The old controller's reconcile and autoscaler intervals and its Docker event stream are gone.
    expect(Reflect.get(dockerController, 'timers')).toEqual([]);
    expect(Reflect.get(dockerController, 'cancels')).toEqual([]);
    expect(session.controller).not.toBe(dockerController);
  });

  it('a bogus context: an error naming context, nothing emitted, still on scaledeck-local', async () => {
    const before = events.length;
    const error = await refusal(
      session.invoke('target:select', { kind: 'kubernetes', context: 'no-such-ctx' }),
    );
    expect(error.field).toBe('context');
    expect(error.message).toMatch(/^context: no kube context named "no-such-ctx".*known: .*scaledeck-local/);
    expect(events.length).toBe(before);
    expect((await session.invoke('target:current', {})).id).toBe('kubernetes:scaledeck-local');
  });

  it('an unreachable cluster: the reason and the fix, a failed mark, still on scaledeck-local', async () => {
    const kubeTarget = session.target;
    const error = await refusal(
      session.invoke('target:select', { kind: 'kubernetes', context: 'scaledeck-gone' }),
    );
    expect(error.code).toBe('TARGET_UNAVAILABLE');
    expect(error.field).toBe('context');
    expect(error.message).toMatch(
      /^Kubernetes: scaledeck-gone is unavailable: .*scaledeck-gone.*Fix: start that cluster or refresh its credentials.*stays on Kubernetes: scaledeck-local/,
    );
    expect(targetEvents().at(-1)).toBe('failed kubernetes:scaledeck-local -> kubernetes:scaledeck-gone');
    expect(session.target).toBe(kubeTarget);
    expect((await session.invoke('stack:status', {})).target).toBe('kubernetes');
  });

  it('switches back to Docker and re-attaches; the cluster watches and tunnels are closed', async () => {
    const kubeTarget = session.target as KubernetesTarget;
    const kubeController: Controller = session.controller;
    expect(Reflect.get(kubeTarget, 'observer')).not.toBeNull();
    const current = await session.invoke('target:select', { kind: 'docker' });
    expect(current.id).toBe('docker');
    expect(await session.invoke('stack:status', {})).toMatchObject({ target: 'docker', stack: STACK });
    expect(Reflect.get(kubeTarget, 'observer')).toBeNull();
    expect(
      (Reflect.get(Reflect.get(kubeTarget, 'reach') as object, 'tunnels') as Map<string, unknown>).size,
    ).toBe(0);
    expect(Reflect.get(kubeController, 'timers')).toEqual([]);
    // Re-attached: the new Docker controller runs its loops again.
    expect((Reflect.get(session.controller, 'timers') as unknown[]).length).toBeGreaterThan(0);
    // Choosing the target the session is on changes nothing and emits nothing.
    const before = events.length;
    expect(await session.invoke('target:select', { kind: 'docker' })).toEqual(current);
    expect(events.length).toBe(before);
    expect(targetEvents().at(-1)).toBe('switched kubernetes:scaledeck-local -> docker');
  });
});
