import { describe, expect, it } from 'vitest';
import { parseRecording, type Recording } from '../../../electron/core/decisions/recording.ts';
import type { TimelineEvent } from '../api/channels.ts';
import { createAppStore } from '../store/store.ts';
import type { Api } from '../api/api.ts';
import { ExportFileError, parseExport } from './open-export.ts';
import { toJson, type ExportData } from './tabular.ts';

const spec = { minReplicas: 1, maxReplicas: 4, targetCpuUtilizationPercent: 50, profile: 'demo' as const };
const recording: Recording = {
  version: 1,
  target: 'docker',
  syncs: [
    {
      at: 1500,
      run: 1,
      spec,
      currentReplicas: 1,
      pods: [{ name: 'api-1', ready: true, startedAt: 0, cpuUtilizationPercent: 90 }],
      desiredReplicas: 2,
    },
    { at: 2500, run: 1, spec, currentReplicas: 2, pods: [], desiredReplicas: 2 },
  ],
};
const data: ExportData = {
  window: { from: 1000, to: 3000 },
  series: [
    {
      chart: 'replicas',
      title: 'Replicas',
      unit: 'replicas',
      name: 'ready',
      query: 'q',
      points: [
        { t: 1200, v: 1 },
        { t: 2600, v: 2 },
      ],
    },
  ],
  events: [{ type: 'scale', at: 1600, source: 'autoscaler', from: 1, to: 2, seq: 4 } as TimelineEvent],
  recording,
  decisions: [],
};

const store = () =>
  createAppStore(
    {
      mode: 'browser',
      invoke: async () => null,
      subscribe: () => () => undefined,
      capturePage: async () => null,
    } as unknown as Api,
    () => undefined,
  );

describe('a saved export', () => {
  it('carries the recording where parseRecording reads it, and opens with its series, events and window', () => {
    const text = toJson(data);
    expect(parseRecording(JSON.parse(text))).toEqual(recording);
    const saved = parseExport(text, 'demo.json');
    expect(saved.window).toEqual({ from: 1000, to: 3000 });
    expect(saved.charts.map((c) => c.id)).toEqual(['replicas']);
    expect(saved.events.map((e) => e.type)).toEqual(['scale']);
    expect(saved.recording?.syncs).toHaveLength(2);
  });

  it('opens the CLI file (a recording only) with the recorded replica counts as its chart', () => {
    const saved = parseExport(JSON.stringify({ recording }), 'cli.json');
    expect(saved.series.map((s) => [s.name, s.points.map((p) => p.v)])).toEqual([
      ['current', [1, 2]],
      ['desired', [2, 2]],
    ]);
    expect(saved.window.from).toBeLessThan(1500);
    expect(saved.window.to).toBeGreaterThan(2500);
  });

  it('refuses a bad file naming the field', () => {
    const bad = JSON.parse(toJson(data)) as { series: { points: { t: unknown }[] }[] };
    bad.series[0]!.points[1]!.t = 'soon';
    expect(() => parseExport(JSON.stringify(bad), 'x.json')).toThrow(
      /series\.0\.points\.1\.t must be a number/,
    );
    expect(() => parseExport('{', 'x.json')).toThrow(ExportFileError);
    expect(() => parseExport(JSON.stringify({ recording: { ...recording, version: 2 } }), 'x.json')).toThrow(
      /recording\.version/,
    );
  });

  it('the slice shows a good file and leaves the view alone on a bad one', async () => {
    const s = store();
    expect(await s.getState().openExport({ name: 'bad.json', text: async () => '{"series": 3}' })).toBe(
      false,
    );
    expect(s.getState().offline).toBeNull();
    expect(s.getState().toasts.at(-1)?.error.field).toBe('series');
    expect(await s.getState().openExport({ name: 'demo.json', text: async () => toJson(data) })).toBe(true);
    expect(s.getState().offline?.fileName).toBe('demo.json');
    expect([...s.getState().offline!.series.values()][0]!.buffer.length).toBe(2);
    s.getState().closeOffline();
    expect(s.getState().offline).toBeNull();
  });
});
