import { describe, expect, it } from 'vitest';
import type { SeriesSnapshot } from '../metrics/feed.ts';
import { calibrationFrom, estimateCalibration, totalCpuByTick } from './calibration.ts';

function series(chart: string, name: string, points: [number, number | null][]): SeriesSnapshot {
  return { chart, name, query: 'q', source: 'prometheus', points: points.map(([t, v]) => ({ t, v })) };
}

describe('calibration', () => {
  it('sums the replicas of each tick in the window, leaving out gaps and other charts', () => {
    const snapshots = [
      series('cpuPerReplica', 'a', [
        [1000, 10],
        [2000, 12],
        [3000, null],
        [9000, 50],
      ]),
      series('cpuPerReplica', 'b', [
        [1000, 20],
        [2000, 18],
        [3000, 30],
      ]),
      series('latency', 'p50', [[1000, 99]]),
    ];
    expect(totalCpuByTick(snapshots, 1000, 3000)).toEqual([30, 30, 30]);
  });

  it('rate × target / CPU above the lowest idle tick', () => {
    // 20 req/s cost 30 % summed, idle 4 % (a stopping load's tail reads 10 %): 20 × 50 / 26.
    const calibration = calibrationFrom({
      probeRps: 20,
      achievedRps: 20,
      targetPercent: 50,
      probeTotals: [30, 30],
      idleTotals: [10, 4],
      replicaCpus: 0.5,
    });
    expect(calibration.perReplicaRps).toBe(38.5);
    expect(calibration.basis).toBe(
      "measured: 20 req/s of the scenario's mix took 30 % CPU summed over replicas, 4 % idle, so one replica holds about 38.5 req/s at 50 %",
    );
  });

  it('an idle level above the probe (a stopped load’s tail) takes at most half the reading', () => {
    // Seen on Docker right after another scenario: idle 17 %, probe 12 % gave 2000 req/s.
    const calibration = calibrationFrom({
      probeRps: 20,
      achievedRps: 20,
      targetPercent: 50,
      probeTotals: [12],
      idleTotals: [17, 17],
      replicaCpus: 0.5,
    });
    expect(calibration.perReplicaRps).toBe(166.7);
  });

  it('uses the rate the replicas served when the generator fell short of the probe', () => {
    const input = { probeRps: 20, targetPercent: 50, probeTotals: [25], idleTotals: [], replicaCpus: 0.5 };
    expect(calibrationFrom({ ...input, achievedRps: 10 }).perReplicaRps).toBe(20);
    expect(calibrationFrom({ ...input, achievedRps: null }).perReplicaRps).toBe(40);
  });

  it('a reading below half a percent counts as half a percent, not as free', () => {
    const calibration = calibrationFrom({
      probeRps: 20,
      achievedRps: 20,
      targetPercent: 50,
      probeTotals: [0.1],
      idleTotals: [],
      replicaCpus: 0.5,
    });
    expect(calibration.perReplicaRps).toBe(2000);
  });

  it('no reading: an estimate scaled by target and replica CPU, saying why', () => {
    expect(
      calibrationFrom({
        probeRps: 20,
        achievedRps: 20,
        targetPercent: 50,
        probeTotals: [],
        idleTotals: [],
        replicaCpus: 0.5,
      }),
    ).toEqual(estimateCalibration(50, 0.5, 'no CPU reading from Prometheus during the probe'));
    expect(estimateCalibration(50, 0.5, 'x')).toEqual({
      perReplicaRps: 60,
      basis: 'estimated (x): about 60 req/s per 0.5-CPU replica at 50 % CPU',
    });
    expect(estimateCalibration(80, 1, 'x').perReplicaRps).toBe(192);
  });
});
