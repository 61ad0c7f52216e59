import { describe, expect, it } from 'vitest';
import { cpuMilliValue, goDurationMs, podCpuMetric, podSampleFromPod } from './pod-samples.ts';

const t = (s: string) => Date.parse(s);

describe('podSampleFromPod', () => {
  it('reads a ready pod and its metric as groupPods() does', () => {
    const sample = podSampleFromPod(
      {
        metadata: { name: 'a' },
        status: {
          phase: 'Running',
          startTime: '2026-01-01T00:00:00Z',
          conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:02Z' }],
        },
      },
      { cpuUtilizationPercent: 70, at: t('2026-01-01T00:00:10Z'), windowMs: 1000 },
      0,
    );
    expect(sample).toEqual({
      name: 'a',
      ready: true,
      startedAt: t('2026-01-01T00:00:00Z'),
      readySince: t('2026-01-01T00:00:02Z'),
      cpuUtilizationPercent: 70,
      metricAt: t('2026-01-01T00:00:10Z'),
      metricWindowMs: 1000,
    });
  });

  it('marks pending, deleted and failed pods, and one without a start time as not ready', () => {
    expect(podSampleFromPod({ metadata: { name: 'p' }, status: { phase: 'Pending' } }, undefined, 5)).toEqual(
      {
        name: 'p',
        ready: false,
        startedAt: 5,
        pending: true,
      },
    );
    const deleted = podSampleFromPod(
      { metadata: { name: 'd', deletionTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Running' } },
      undefined,
      5,
    );
    expect(deleted.terminating).toBe(true);
    expect(
      podSampleFromPod({ metadata: { name: 'f' }, status: { phase: 'Failed' } }, undefined, 5).terminating,
    ).toBe(true);
    const noStart = podSampleFromPod(
      {
        metadata: { name: 'n' },
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      },
      undefined,
      5,
    );
    expect(noStart.ready).toBe(false);
  });
});

describe('podCpuMetric', () => {
  const pod = (...requests: (string | undefined)[]) => ({
    metadata: { name: 'a' },
    spec: {
      containers: requests.map((cpu) => ({ resources: { requests: cpu === undefined ? {} : { cpu } } })),
    },
  });
  const metrics = (...usage: (string | undefined)[]) => ({
    metadata: { name: 'a' },
    timestamp: '2026-01-01T00:00:10Z',
    window: '10.5s',
    containers: usage.map((cpu) => ({ usage: cpu === undefined ? {} : { cpu } })),
  });

  it('sums the containers in whole millicores rounded up, over their summed requests', () => {
    // 12345678n is 13m, 20m is 20m: 33m of 100m + 0.1 (= 200m) = 16.5 %.
    expect(podCpuMetric(pod('100m', '0.1'), metrics('12345678n', '20m'))).toEqual({
      cpuUtilizationPercent: 16.5,
      at: t('2026-01-01T00:00:10Z'),
      windowMs: 10_500,
    });
  });

  it('has no metric where the HPA has none: a container without usage, without a request, no sample', () => {
    expect(podCpuMetric(pod('100m', '100m'), metrics('20m', undefined))).toBeUndefined();
    expect(podCpuMetric(pod('100m', undefined), metrics('20m', '20m'))).toBeUndefined();
    expect(podCpuMetric(pod('100m'), undefined)).toBeUndefined();
  });

  it('reads quantities and Go durations as the API writes them', () => {
    expect([cpuMilliValue('0.1'), cpuMilliValue('1'), cpuMilliValue('1500u'), cpuMilliValue('x')]).toEqual([
      100,
      1000,
      2,
      null,
    ]);
    expect([
      goDurationMs('1m0s'),
      goDurationMs('500ms'),
      goDurationMs('15.001s'),
      goDurationMs('15'),
    ]).toEqual([60_000, 500, 15_001, null]);
  });
});
