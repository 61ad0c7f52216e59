/**
 * Every built-in scenario played on the Docker target with the offline images and the default
 * settings, as it is (no shortened clock), through the session's channels: each reaches every
 * effect it declares. One stack for the file, deployed by the first scenario (play with deploy);
 * afterAll tears it down with its volumes whatever happened.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioStatus, TimelineEvent } from '../contract.ts';
import { Session } from '../session.ts';
import { loadSettings } from '../settings.ts';
import { waitUntil } from '../../test-support/wait.ts';
import { offlineSettingsFile } from '../../../scripts/lib/offline-images.ts';

const STACK = `scn-${randomBytes(3).toString('hex')}`;
let session: Session;

beforeAll(async () => {
  const settings = await loadSettings(await offlineSettingsFile());
  session = new Session({ settings, stack: STACK });
  await session.open();
});

afterAll(async () => {
  await session
    ?.invoke('stack:teardown', { deleteVolumes: true })
    .catch((error: unknown) => console.error(error));
  await session?.dispose();
});

function report(status: ScenarioStatus): string {
  const lines = [
    `${status.name}: ${status.state} (${status.detail ?? ''})`,
    `  calibration: ${status.calibration === null ? 'none' : status.calibration.basis}`,
    ...status.expectations.map(
      (e) => `  step ${e.step + 1} ${e.state.padEnd(7)} ${e.text}: ${e.detail ?? ''}`,
    ),
  ];
  return lines.join('\n');
}

/**
 * Plays a built-in to its end (deploying the stack first when none runs, so each test can run
 * alone); the bound is its own length plus room for deploy and calibration.
 */
async function play(
  name: string,
  whilePlaying?: () => Promise<void>,
): Promise<{ status: ScenarioStatus; events: TimelineEvent[] }> {
  const since = Date.now();
  const started = await session.invoke('scenario:play', { name, deploy: true });
  expect(['deploying', 'calibrating', 'playing']).toContain(started.state);
  await whilePlaying?.();
  const seconds = started.steps.reduce((sum, step) => sum + step.seconds, 0);
  const status = await waitUntil(`scenario ${name} to end`, (seconds + 240) * 1000, async () => {
    const current = await session.invoke('scenario:status', {});
    return current !== null && ['finished', 'stopped', 'failed'].includes(current.state) ? current : null;
  });
  console.log(report(status));
  const events = await session.invoke('timeline:list', { since });
  return { status, events };
}

function expectEveryEffect(status: ScenarioStatus, events: TimelineEvent[]): void {
  expect(status.state, status.detail).toBe('finished');
  const missed = status.expectations.filter((e) => e.state !== 'met');
  expect(missed.map((e) => `step ${e.step + 1} ${e.text}: ${e.detail}`)).toEqual([]);
  // The steps' captions reached the timeline, one event per step.
  const steps = events.filter((e) => e.type === 'scenario' && e.status === 'step');
  expect(steps).toHaveLength(status.steps.length);
  // Its load stopped with it.
  const load = events.filter((e) => e.type === 'load').at(-1);
  expect(load?.type === 'load' && load.kind).toBe('stopped');
}

describe('built-in scenarios on the Docker target', () => {
  it('autoscaling-90s: deploys, calibrates, scales out with explained decisions, scales in', async () => {
    const { status, events } = await play('autoscaling-90s', async () => {
      // One scenario at a time: a second play is refused and leaves the first one playing.
      await expect(session.invoke('scenario:play', { name: 'self-healing' })).rejects.toMatchObject({
        code: 'BUSY',
        message: expect.stringContaining('autoscaling-90s') as unknown as string,
      });
      expect((await session.invoke('scenario:status', {}))?.name).toBe('autoscaling-90s');
    });
    expectEveryEffect(status, events);
    expect(status.calibration?.basis).toMatch(/^measured: /);
    const out = events.find((e) => e.type === 'scale' && e.source === 'autoscaler' && e.to > e.from);
    expect(out).toBeDefined();
    const decisions = events.filter((e) => e.type === 'autoscaler');
    expect(decisions.some((e) => e.type === 'autoscaler' && /CPU|utiliz/i.test(e.decision.reason))).toBe(
      true,
    );
  }, 600_000);

  it('self-healing: a replica, Redis and PostgreSQL killed and restored, healthy again each time', async () => {
    const { status, events } = await play('self-healing');
    expectEveryEffect(status, events);
    const chaos = events
      .filter((e) => e.type === 'chaos')
      .map((e) => (e.type === 'chaos' ? `${e.action} ${e.what}` : ''));
    expect(chaos).toEqual([
      'kill replica',
      'kill redis',
      'restore redis',
      'kill postgres',
      'restore postgres',
    ]);
  }, 600_000);

  it('cache-matters: hot keys hit the cache, cold keys miss it', async () => {
    const { status, events } = await play('cache-matters');
    expectEveryEffect(status, events);
  }, 600_000);
});
