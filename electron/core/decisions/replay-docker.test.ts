/**
 * On the real Docker engine: the controller's own loop autoscales a stack under CPU-heavy load,
 * records its syncs, and replaying that recording with the settings it was recorded with gives
 * the same decisions, sync by sync.
 */
import { randomBytes } from 'node:crypto';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineSettingsFile } from '../../../scripts/lib/offline-images.ts';
import { startLoad } from '../../test-support/docker-load.ts';
import { waitUntil } from '../../test-support/wait.ts';
import type { ScaleDecision } from '../autoscaler.ts';
import { Controller } from '../controller.ts';
import { loadSettings, type Settings } from '../settings.ts';
import { DockerTarget } from '../targets/docker/docker-target.ts';
import { parseRecording } from './recording.ts';
import { replay } from './replay.ts';

const STACK = `sc-explain-${randomBytes(3).toString('hex')}`;
const docker = new Dockerode();
let settings: Settings;
let target: DockerTarget;
let controller: Controller;
const decisions: ScaleDecision[] = [];

beforeAll(async () => {
  settings = { ...(await loadSettings(await offlineSettingsFile())), drainSeconds: 5 };
  if (process.env.SCALEDECK_TEST_API_IMAGE)
    settings = { ...settings, images: { ...settings.images, api: process.env.SCALEDECK_TEST_API_IMAGE } };
  target = new DockerTarget(docker, settings, { stack: STACK });
  controller = new Controller(target, { maxReplicas: settings.maxReplicas });
  controller.observe((event) => {
    if (event.type === 'autoscaler') decisions.push(event.decision);
  });
  await controller.deploy({ replicas: 1 });
}, 600_000);

afterAll(async () => {
  await controller?.dispose();
  const cleanup = new DockerTarget(docker, settings ?? (await loadSettings(undefined)), { stack: STACK });
  await cleanup.teardown({ deleteVolumes: true });
}, 300_000);

describe('a recording of a Docker run', () => {
  it('replays with its own settings to exactly the decisions the controller made', async () => {
    const status = await target.waitReady();
    await controller.setAutoscaler({
      enabled: true,
      minReplicas: 1,
      maxReplicas: 3,
      targetCpuUtilizationPercent: 50,
      profile: 'demo',
    });
    controller.start();
    // Wrong-password logins still pay a full scrypt: CPU work on every request.
    const load = startLoad({
      url: `${status.endpoints.loadBalancer}/auth/token`,
      method: 'POST',
      body: { email: 'nobody@example.com', password: 'not-the-password' },
      concurrency: 6,
      maxDurationMs: 120_000,
      okStatuses: [401],
    });
    try {
      await waitUntil('the autoscaler scaling out', 90_000, async () =>
        decisions.some((decision) => decision.desiredReplicas > 1) ? true : null,
      );
    } finally {
      await load.stop();
    }
    // Syncs after the load: replicas starting, CPU falling, the scale-down window holding.
    const afterLoad = decisions.length;
    await waitUntil('eight more syncs', 120_000, async () =>
      decisions.length >= afterLoad + 8 ? true : null,
    );
    await controller.setAutoscaler({ enabled: false });

    const recording = parseRecording(JSON.parse(JSON.stringify(controller.recording())));
    expect(recording.target).toBe('docker');
    const recorded = decisions.map((decision) => decision.desiredReplicas);
    expect(recording.syncs.map((sync) => sync.desiredReplicas)).toEqual(
      recorded.slice(0, recording.syncs.length),
    );
    const result = replay(recording);
    console.log(
      `${recording.syncs.length} syncs recorded, replicas ${recorded.join(' ')}; replayed: ` +
        `${result.whatIf.map((point) => point.replicas).join(' ')}`,
    );
    expect(result.decisions.map((decision) => decision?.desiredReplicas)).toEqual(
      recording.syncs.map((sync) => sync.desiredReplicas),
    );
    expect(result.decisions.map((decision) => decision?.reason)).toEqual(
      decisions.slice(0, recording.syncs.length).map((decision) => decision.reason),
    );
    expect(decisions.every((decision) => decision.explanation !== undefined)).toBe(true);
  }, 300_000);
});
