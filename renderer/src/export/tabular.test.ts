import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../api/channels.ts';
import { toCsv, toJson, type ExportData } from './tabular.ts';

const data: ExportData = {
  window: { from: 1000, to: 3000 },
  series: [
    {
      chart: 'latency',
      title: 'Latency',
      unit: 'seconds',
      name: 'p99, "tail"',
      query: 'histogram_quantile(0.99, …)',
      points: [
        { t: 500, v: 9 },
        { t: 1000, v: 0.25 },
        { t: 2000, v: null },
        { t: 4000, v: 9 },
      ],
    },
  ],
  events: [
    { type: 'scale', at: 1500, source: 'manual', from: 1, to: 3, seq: 7 } as TimelineEvent,
    { type: 'scale', at: 9000, source: 'manual', from: 3, to: 1, seq: 8 } as TimelineEvent,
  ],
};

describe('exports', () => {
  it('writes one CSV row per visible point and event, quoting what needs it', () => {
    const lines = toCsv(data).trimEnd().split('\r\n');
    expect(lines).toEqual([
      'kind,time,epoch_ms,chart,series,unit,value,event',
      'point,1970-01-01T00:00:01.000Z,1000,latency,"p99, ""tail""",seconds,0.25,',
      'point,1970-01-01T00:00:02.000Z,2000,latency,"p99, ""tail""",seconds,,',
      'event,1970-01-01T00:00:01.500Z,1500,,scale,,,Scaled 1 → 3 (manual)',
    ]);
  });

  it('neutralises cells a spreadsheet would run as a formula: a quote before them, and quoted', () => {
    // OWASP CSV injection: = + - @ start a formula; a leading tab, CR or LF can hide one.
    const hostile = ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1+1', '\r=1+1', '\n=1+1'];
    const lines = toCsv({
      window: { from: 0, to: 10 },
      series: hostile.map((name, i) => ({
        chart: 'c',
        title: 'C',
        unit: 'u',
        name,
        query: 'q',
        points: [{ t: i, v: -0.5 }],
      })),
      events: [{ type: 'deploy', at: 5, step: '=cmd|calc', status: 'step', seq: 1 } as TimelineEvent],
    })
      .trimEnd()
      .split('\r\n')
      .slice(1);
    const points = lines.slice(0, hostile.length);
    expect(points.map((line) => line.split(',')[4])).toEqual([
      `"'=HYPERLINK(""http://x"")"`,
      `"'+1+1"`,
      `"'-2+3"`,
      `"'@SUM(A1)"`,
      `"'\t=1+1"`,
      `"'\r=1+1"`,
      `"'\n=1+1"`,
    ]);
    expect(lines.at(-1)).toBe(`event,1970-01-01T00:00:00.005Z,5,,deploy,,,"'=cmd|calc"`);
    // Numbers are data, not text a formula can hide in: a negative value stays a number.
    expect(points.every((line) => line.split(',')[6] === '-0.5')).toBe(true);
  });

  it('writes JSON with the window, the queries and only the visible points and events', () => {
    const json = JSON.parse(toJson(data)) as {
      window: unknown;
      series: { query: string; points: unknown[] }[];
      events: { seq: number }[];
    };
    expect(json.window).toEqual({ from: 1000, to: 3000 });
    expect(json.series[0]!.query).toBe('histogram_quantile(0.99, …)');
    expect(json.series[0]!.points).toEqual([
      { t: 1000, v: 0.25 },
      { t: 2000, v: null },
    ]);
    expect(json.events.map((e) => e.seq)).toEqual([7]);
  });
});
