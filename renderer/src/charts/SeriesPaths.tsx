// The moving part of a chart: its series as one SVG path each and the timeline's markers, drawn
// with the chart's own axis scales. This is the only part that re-renders on every update; recharts'
// <Line> builds several objects per point per render, which put eight live charts far past a frame.
import { memo, useMemo } from 'react';
import { usePlotArea, useXAxisScale, useYAxisScale } from 'recharts';
import type { ChartInfo } from '../api/channels.ts';
import { useApp, useAppStore } from '../store/store.ts';
import { viewEvents, viewNow, viewWindowMs } from '../store/view.ts';
import { describeEvent, markerKind, markerLabel } from '../store/describe-event.ts';
import type { Theme } from '../store/slices/ui-slice.ts';
import { downsampleMinMax, type Point } from './downsample.ts';
import { markerColor, seriesColor } from './palette.ts';
import { orderedSeries } from './use-visible-series.ts';

/** "M x y L x y ..." with a new M after every gap, so missing data breaks the line. */
export function pathOf(points: readonly Point[], x: (t: number) => number, y: (v: number) => number): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (p.v === null) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${Math.round(x(p.t) * 10) / 10} ${Math.round(y(p.v) * 10) / 10}`;
    pen = true;
  }
  return d;
}

/** Both axes are linear: two calls to the chart's scale give the mapping, then plain arithmetic. */
function linear(scale: (v: number) => unknown, a: number, b: number): (v: number) => number {
  const pa = scale(a) as number;
  const pb = scale(b) as number;
  const k = b === a ? 0 : (pb - pa) / (b - a);
  return (v) => pa + (v - a) * k;
}

interface Props {
  chart: ChartInfo;
  theme: Theme;
  strokeWidth: number;
  markerWidth: number;
}

export const SeriesPaths = memo(function SeriesPaths({ chart, theme, strokeWidth, markerWidth }: Props) {
  const xScale = useXAxisScale();
  const yScale = useYAxisScale();
  const plot = usePlotArea();
  const version = useApp((s) => s.metricsVersion);
  const now = useApp(viewNow);
  const windowMs = useApp(viewWindowMs);
  const events = useApp(viewEvents);
  // Opening or closing a saved export swaps the buffers without a metrics tick.
  const offline = useApp((s) => s.offline);
  const store = useAppStore();
  // A string, so the selector's result compares by value (a fresh array would re-render forever).
  const names = useApp((s) =>
    orderedSeries(s, chart)
      .map((e) => e.name)
      .join('\u0000'),
  );
  const columns = Math.max(1, (plot?.width ?? 0) / 2);
  const from = now - windowMs;

  const points = useMemo(
    () =>
      // The buffers are mutable: `version` changing is what says they hold new points.
      version >= 0 && offline !== undefined && names !== ''
        ? orderedSeries(store.getState(), chart).map((e) =>
            // Two points per column at most (min and max); one column per two pixels is sharp enough.
            downsampleMinMax(e.buffer, from, now, columns),
          )
        : [],
    [store, chart, version, offline, names, from, now, columns],
  );
  const markers = useMemo(
    () =>
      events.flatMap((e) => {
        const kind = markerKind(e);
        return kind && e.at >= from && e.at <= now
          ? [
              {
                at: e.at,
                color: markerColor(theme, kind),
                label: describeEvent(e),
                tag: markerLabel(e),
                seq: e.seq,
              },
            ]
          : [];
      }),
    [events, from, now, theme],
  );

  if (!xScale || !yScale || !plot) return null;
  // The x axis counts back from now (its domain is [-window, 0]); data carry epoch times.
  const xRel = linear(xScale, -windowMs, 0);
  const x = (t: number) => xRel(t - now);
  const y = linear(yScale, 0, 1);
  const nameList = names.split('\u0000');
  return (
    <g className="series-paths">
      {/* Timeline markers: every chart shows the same events at the same x. */}
      {markers.map((m) => (
        <g
          key={m.seq}
          className={m.tag === null ? 'marker' : 'marker marker-tagged'}
          data-marker={m.tag ?? undefined}
        >
          <line
            x1={x(m.at)}
            x2={x(m.at)}
            y1={plot.y}
            y2={plot.y + plot.height}
            stroke={m.color}
            strokeWidth={markerWidth}
            // A scenario step is drawn solid: it is the story the room follows, the rest is context.
            strokeDasharray={m.tag === null ? '4 3' : undefined}
          >
            <title>{m.label}</title>
          </line>
          {m.tag !== null && (
            <text
              x={x(m.at) + 4}
              y={plot.y + 2}
              dominantBaseline="hanging"
              fill={m.color}
              fontWeight={700}
              fontSize={markerWidth * 9}
            >
              {m.tag}
              <title>{m.label}</title>
            </text>
          )}
        </g>
      ))}
      {points.map((p, i) => (
        <path
          key={nameList[i]}
          d={pathOf(p, x, y)}
          fill="none"
          stroke={seriesColor(theme, i)}
          strokeWidth={strokeWidth}
          strokeLinejoin="round"
          strokeLinecap="round"
          data-series={nameList[i]}
        />
      ))}
    </g>
  );
});
