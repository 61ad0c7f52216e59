/**
 * The switch protocol (session-switch.ts) without a cluster: on the real Docker engine, with a
 * kubeconfig whose one context points at a closed port. A context the kubeconfig does not have is
 * refused naming `context`; an unreachable one fails with the fix and leaves the session on
 * Docker; selecting the current target is a no-op. (The switches that succeed run against the
 * local cluster in session-target.test.ts.)
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeUnreachableKubeconfig } from '../test-support/unreachable-kubeconfig.ts';
import type { SequencedEvent } from './contract.ts';
import { ScaledeckError } from './errors.ts';
import { Session } from './session.ts';
import { loadSettings } from './settings.ts';

const STACK = `swp-${randomBytes(3).toString('hex')}`;
let tmp = '';
let session: Session;
const events: SequencedEvent[] = [];

async function refusal(work: Promise<unknown>): Promise<ScaledeckError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof ScaledeckError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'scaledeck-switch-protocol-'));
  const gone = await writeUnreachableKubeconfig(tmp);
  // Nothing is deployed: the defaults are enough (no image is pulled or built).
  session = new Session({ settings: await loadSettings(undefined), stack: STACK, kubeconfig: gone });
  session.subscribe((event) => events.push(event));
  await session.open();
}, 60_000);

afterAll(async () => {
  await session?.dispose();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('target:select without a cluster', () => {
  it('lists the engine, reachable, and the dead context, unreachable with the fix', async () => {
    const targets = await session.invoke('targets:list', {});
    expect(targets.map((t) => t.id)).toEqual(['docker', 'kubernetes:scaledeck-gone']);
    expect(targets[0]?.available).toBe(true);
    expect(targets[1]).toMatchObject({
      available: false,
      fix: expect.stringContaining('start that cluster'),
    });
  });

  it('refuses a context the kubeconfig does not have, naming context and the known ones', async () => {
    const error = await refusal(session.invoke('target:select', { kind: 'kubernetes', context: 'nope' }));
    expect(error.field).toBe('context');
    expect(error.message).toMatch(/no kube context named "nope" in the kubeconfig; known: scaledeck-gone/);
    expect(events.filter((e) => e.type === 'target')).toEqual([]);
  });

  it('fails to switch to an unreachable context and stays on Docker, saying so', async () => {
    const error = await refusal(
      session.invoke('target:select', { kind: 'kubernetes', context: 'scaledeck-gone' }),
    );
    expect(error.code).toBe('TARGET_UNAVAILABLE');
    expect(error.field).toBe('context');
    expect(error.message).toMatch(/^Kubernetes: scaledeck-gone is unavailable: /);
    expect(error.message).toMatch(/Fix: start that cluster .*; the session stays on Local Docker engine$/);
    expect(session.currentTarget.id).toBe('docker');
    expect(
      events.flatMap((e) => (e.type === 'target' ? [`${e.status} ${e.from.id} -> ${e.to.id}`] : [])),
    ).toEqual([
      'switching docker -> kubernetes:scaledeck-gone',
      'failed docker -> kubernetes:scaledeck-gone',
    ]);
    expect((await session.invoke('stack:status', {})).target).toBe('docker');
  });

  it('selecting the current target changes nothing', async () => {
    const before = events.length;
    const controller = session.controller;
    expect(await session.invoke('target:select', { kind: 'docker' })).toEqual({
      kind: 'docker',
      id: 'docker',
      label: 'Local Docker engine',
    });
    expect(session.controller).toBe(controller);
    expect(events.slice(before).filter((e) => e.type === 'target')).toEqual([]);
  });
});
