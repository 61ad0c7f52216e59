/**
 * The built-in "Autoscaling in 90 seconds" on the real local cluster, played as it is with the
 * default settings: the real HorizontalPodAutoscaler (demo profile behavior) scales out under the
 * ramp and back in after the load drops, within the scenario's declared deadlines. The scenario
 * deploys the stack itself (play with deploy). afterAll removes the stack and brings the cluster
 * down (SCALEDECK_KEEP_CLUSTER=1 keeps it up). Needs root (the cluster harness does).
 */
import { randomBytes } from 'node:crypto';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioStatus, SequencedEvent } from '../../electron/core/contract.ts';
import { openSession, type Session } from '../../electron/core/session.ts';
import { loadSettings, type Settings } from '../../electron/core/settings.ts';
import { localClusterUp, removeStackThenCluster } from '../../electron/test-support/local-cluster.ts';
import { waitUntil } from '../../electron/test-support/wait.ts';
import { offlineSettingsFile } from '../../scripts/lib/offline-images.ts';

const STACK = `scn-${randomBytes(3).toString('hex')}`;
const isRoot = process.getuid?.() === 0;
let kubeconfig = '';
let settings: Settings;
let session: Session | undefined;
const events: SequencedEvent[] = [];

describe.skipIf(!isRoot)('the autoscaling scenario on the local cluster (the real HPA)', () => {
  beforeAll(async () => {
    settings = await loadSettings(await offlineSettingsFile());
    kubeconfig = await localClusterUp();
    session = await openSession({
      settings,
      stack: STACK,
      target: { kind: 'kubernetes', kubeconfig },
      docker: new Dockerode(),
    });
    session.subscribe((event) => events.push(event));
  }, 45 * 60_000);

  afterAll(async () => {
    await session?.dispose();
    await removeStackThenCluster(settings, STACK, kubeconfig, undefined);
  }, 300_000);

  it(
    'autoscaling-90s: deploys, calibrates, the HPA scales out and back in',
    async () => {
      const s = session!;
      const started = await s.invoke('scenario:play', { name: 'autoscaling-90s', deploy: true });
      expect(['deploying', 'calibrating']).toContain(started.state);
      const status: ScenarioStatus = await waitUntil('the scenario to end', 20 * 60_000, async () => {
        const current = await s.invoke('scenario:status', {});
        return current !== null && ['finished', 'stopped', 'failed'].includes(current.state) ? current : null;
      });
      console.log(
        [
          `${status.name}: ${status.state} (${status.detail ?? ''})`,
          `  calibration: ${status.calibration?.basis ?? 'none'}`,
          ...status.expectations.map((e) => `  step ${e.step + 1} ${e.state} ${e.text}: ${e.detail ?? ''}`),
        ].join('\n'),
      );
      expect(status.state, status.detail).toBe('finished');
      expect(
        status.expectations.filter((e) => e.state !== 'met').map((e) => `${e.text}: ${e.detail}`),
      ).toEqual([]);
      const scales = events.filter((e) => e.type === 'scale' && e.source === 'autoscaler');
      expect(scales.some((e) => e.type === 'scale' && e.to > e.from)).toBe(true);
      expect(scales.some((e) => e.type === 'scale' && e.to < e.from)).toBe(true);
    },
    30 * 60_000,
  );
});
