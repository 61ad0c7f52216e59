/**
 * On the real Docker engine, with the stack's own Prometheus: the controller's loop scales out on
 * requests per second while CPU stays under its target (the decision says rps won), and with CPU
 * and rps both on, CPU-heavy load makes CPU's larger proposal win instead.
 */
import { randomBytes } from 'node:crypto';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineSettingsFile } from '../../scripts/lib/offline-images.ts';
import { startLoad } from '../test-support/docker-load.ts';
import { waitUntil } from '../test-support/wait.ts';
import type { ScaleDecision } from './autoscaler.ts';
import { Controller } from './controller.ts';
import { explanationLines } from './decisions/explain.ts';
import { loadSettings, type Settings } from './settings.ts';
import { DockerTarget } from './targets/docker/docker-target.ts';

const STACK = `sc-traffic-${randomBytes(3).toString('hex')}`;
const docker = new Dockerode();
let settings: Settings;
let target: DockerTarget;
let controller: Controller;
const decisions: ScaleDecision[] = [];

/** A paced open loop of cheap requests (GET /healthz): a request rate without CPU to speak of. */
function pacedLoad(url: string, perSecond: number): { stop: () => Promise<number> } {
  let sent = 0;
  const inFlight = new Set<Promise<unknown>>();
  const timer = setInterval(() => {
    for (let i = 0; i < perSecond / 20; i++) {
      // Bounded: a stalled stack cannot pile up requests in the test process.
      if (inFlight.size >= 200) return;
      sent += 1;
      const request = fetch(url, { signal: AbortSignal.timeout(5_000) })
        .then((res) => res.arrayBuffer())
        .catch(() => undefined)
        .finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
  }, 50);
  return {
    stop: async () => {
      clearInterval(timer);
      await Promise.all(inFlight);
      return sent;
    },
  };
}

const metricsOf = (decision: ScaleDecision) => decision.trace?.metrics;

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

describe('autoscaling on requests per second on Docker', () => {
  it('scales out on rps while CPU stays under its target, and says rps won', async () => {
    const status = await target.waitReady();
    await controller.setAutoscaler({
      enabled: true,
      minReplicas: 1,
      maxReplicas: 3,
      profile: 'demo',
      metrics: [
        { metric: 'cpu', target: 80 },
        { metric: 'rpsPerReplica', target: 20 },
        // Far above what /healthz takes: read (from the request-duration histogram), never the winner.
        { metric: 'p95LatencyMs', target: 5000 },
      ],
    });
    controller.start();
    const load = pacedLoad(`${status.endpoints.loadBalancer}/healthz`, 100);
    let out: ScaleDecision;
    try {
      out = await waitUntil('a scale-out decided by rps', 120_000, async () =>
        decisions.find(
          (d) => d.desiredReplicas > d.currentReplicas && metricsOf(d)?.winner === 'rpsPerReplica',
        ),
      );
    } finally {
      console.log(`paced load: ${await load.stop()} requests sent`);
    }
    const proposals = metricsOf(out)?.proposals ?? [];
    const cpu = proposals.find((p) => p.metric === 'cpu');
    const rps = proposals.find((p) => p.metric === 'rpsPerReplica');
    if (out.explanation) console.log(explanationLines(out.explanation).join('\n'));
    expect(rps?.value).toBeGreaterThan(20);
    // CPU was read and under its 80 % target: the scale-out is rps's alone.
    expect(cpu?.value).not.toBeNull();
    expect(cpu?.value ?? 100).toBeLessThan(80);
    expect(rps?.replicas ?? 0).toBeGreaterThan(cpu?.replicas ?? Infinity);
    const p95 = proposals.find((p) => p.metric === 'p95LatencyMs');
    expect(p95?.value).toBeGreaterThanOrEqual(0);
    expect(p95?.value ?? Infinity).toBeLessThan(5000);
    expect(out.explanation?.steps.some((step) => /: rps won, scaling \d → \d/.test(step.text))).toBe(true);
    // The recording keeps each replica's rps, so the decision can be replayed.
    const synced = controller.recording().syncs.find((sync) => sync.at === out.at);
    expect(synced?.pods.some((pod) => (pod.requestsPerSecond ?? 0) > 0)).toBe(true);
  }, 300_000);

  it('with CPU and rps both on, the larger proposal wins: CPU under scrypt load', async () => {
    await controller.setAutoscaler({ enabled: false });
    await controller.scale({ replicas: 1 });
    const status = await target.waitReady();
    const before = decisions.length;
    await controller.setAutoscaler({
      enabled: true,
      minReplicas: 1,
      maxReplicas: 3,
      profile: 'demo',
      metrics: [
        { metric: 'rpsPerReplica', target: 1000 },
        { metric: 'cpu', target: 50 },
      ],
    });
    // Wrong-password logins still pay a full scrypt: CPU work on every request, few requests.
    const load = startLoad({
      url: `${status.endpoints.loadBalancer}/auth/token`,
      method: 'POST',
      body: { email: 'nobody@example.com', password: 'not-the-password' },
      concurrency: 6,
      maxDurationMs: 150_000,
      okStatuses: [401],
    });
    let out: ScaleDecision;
    try {
      out = await waitUntil('a scale-out decided by CPU', 120_000, async () =>
        decisions
          .slice(before)
          .find((d) => d.desiredReplicas > d.currentReplicas && metricsOf(d)?.winner === 'cpu'),
      );
    } finally {
      await load.stop();
    }
    const proposals = metricsOf(out)?.proposals ?? [];
    const byMetric = Object.fromEntries(proposals.map((p) => [p.metric, p.replicas]));
    expect(byMetric.cpu).toBe(out.recommendation);
    expect(byMetric.cpu ?? 0).toBeGreaterThan(byMetric.rpsPerReplica ?? Infinity);
    // Every decision of both runs took the largest readable proposal, or held a scale-down.
    for (const d of decisions) {
      const m = metricsOf(d);
      if (!m || d.trace?.guard) continue;
      const readable = m.proposals.flatMap((p) => (p.replicas === null ? [] : [p.replicas]));
      expect(d.recommendation, d.reason).toBe(Math.max(...readable));
    }
    await controller.setAutoscaler({ enabled: false });
  }, 300_000);
});
