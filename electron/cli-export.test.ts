/** The export built from a serve's answers: the dashboard's JSON, with the whole session as its window. */
import { describe, expect, it } from 'vitest';
import { parseExport } from '../renderer/src/export/open-export.ts';
import { exportDataOf, exportJson, type ServeAnswers } from './cli-export.ts';

const NOW = Date.UTC(2026, 0, 1, 12);

const answers: ServeAnswers = {
  charts: [
    { id: 'replicas', title: 'Replicas', unit: 'replicas', series: [{ name: 'ready', query: 'count(up)' }] },
    { id: 'cpu', title: 'CPU per replica', unit: '%', series: [{ name: 'by replica', query: 'cpu' }] },
  ],
  series: [
    {
      chart: 'replicas',
      name: 'ready',
      query: 'count(up)',
      source: 'prometheus',
      points: [
        { t: NOW - 60_000, v: 2 },
        { t: NOW - 30_000, v: 3 },
        // Later than the read: not on the page's axis either.
        { t: NOW + 1_000, v: 3 },
      ],
    },
    // A series of a chart the serve does not list is not on any chart: left out, as on the page.
    { chart: 'gone', name: 'x', query: 'x', source: 'sampler', points: [{ t: NOW - 1, v: 1 }] },
  ],
  events: [
    { type: 'scale', at: NOW - 90_000, from: 2, to: 3, source: 'manual', seq: 4 },
  ] as ServeAnswers['events'],
  snapshot: {
    recording: {
      version: 1,
      target: 'docker',
      syncs: [],
    },
    decisions: [],
  },
};

describe('exportDataOf', () => {
  it('joins series to their charts and takes the whole session up to now as the window', () => {
    const data = exportDataOf(answers, NOW);
    expect(data.window).toEqual({ from: NOW - 90_000, to: NOW });
    expect(data.series).toEqual([
      {
        chart: 'replicas',
        title: 'Replicas',
        unit: 'replicas',
        name: 'ready',
        query: 'count(up)',
        points: [
          { t: NOW - 60_000, v: 2 },
          { t: NOW - 30_000, v: 3 },
        ],
      },
    ]);
    expect(data.events).toHaveLength(1);
    expect(data.recording).toEqual(answers.snapshot.recording);
  });

  it('a session with no data yet gets the dashboard’s default 5 minutes', () => {
    const empty = { ...answers, series: [], events: [] };
    expect(exportDataOf(empty, NOW).window).toEqual({ from: NOW - 5 * 60_000, to: NOW });
  });

  it('is a file the offline view opens, charts and timeline included', () => {
    const saved = parseExport(exportJson(answers, NOW), 'export.json');
    expect(saved.charts.map((chart) => chart.id)).toEqual(['replicas']);
    expect(saved.events.map((event) => event.type)).toEqual(['scale']);
    expect(saved.recording).toEqual(answers.snapshot.recording);
  });
});
