import { describe, expect, it } from 'vitest';
import { podSampleFromPod } from './pod-samples.ts';

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
