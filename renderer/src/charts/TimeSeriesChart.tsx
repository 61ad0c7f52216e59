// One chart on the shared time axis: every series downsampled to the plot's pixel width, the
// timeline's markers drawn across it, and its PromQL one click away.
import { memo, useMemo, useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, XAxis, YAxis } from 'recharts';
import type { ChartInfo } from '../api/channels.ts';
import { useApp } from '../store/store.ts';
import { markerKind, describeEvent } from '../store/describe-event.ts';
import { downsampleMinMax, type Point } from './downsample.ts';
import { formatClock, formatValue } from './format.ts';
import { CHART_CHROME, markerColor, seriesColor } from './palette.ts';
import { PromqlDialog } from './PromqlDialog.tsx';
import { useElementWidth } from './use-element-width.ts';
import { displayName } from './series-name.ts';
import { timeTicks } from './time-ticks.ts';

const Y_AXIS_WIDTH = 64;

interface Drawn {
  name: string;
  query: string;
  color: string;
  points: Point[];
  latest: number | null;
}

export const TimeSeriesChart = memo(function TimeSeriesChart({ chart }: { chart: ChartInfo }) {
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const [showQuery, setShowQuery] = useState(false);
  const version = useApp((s) => s.metricsVersion);
  const now = useApp((s) => s.now);
  const windowMinutes = useApp((s) => s.windowMinutes);
  const theme = useApp((s) => s.theme);
  const presentation = useApp((s) => s.presentation);
  const seriesOf = useApp((s) => s.seriesOf);
  const events = useApp((s) => s.events);
  const stack = useApp((s) => s.status?.stack);

  const to = now;
  const from = now - windowMinutes * 60_000;
  const plotWidth = Math.max(1, width - Y_AXIS_WIDTH - 16);
  const height = presentation ? 250 : 190;

  const drawn: Drawn[] = useMemo(() => {
    const entries = seriesOf(chart.id);
    // Declared series first in their declared order, then label-named ones (replicas) by name.
    const order = (n: string) => {
      const i = chart.series.findIndex((s) => s.name === n);
      return i === -1 ? chart.series.length : i;
    };
    entries.sort((a, b) => order(a.name) - order(b.name) || a.name.localeCompare(b.name));
    return entries.map((e, i) => {
      const last = e.buffer.last;
      return {
        name: e.name,
        query: e.query,
        color: seriesColor(theme, i),
        points: downsampleMinMax(e.buffer.toArray(from), from, to, plotWidth),
        latest: last && last.t >= from ? last.v : null,
      };
    });
    // version: the buffers are mutable; a new version means new points.
  }, [chart, version, from, to, plotWidth, theme, seriesOf]);

  const markers = useMemo(
    () =>
      events.flatMap((e) => {
        const kind = markerKind(e);
        return kind && e.at >= from && e.at <= to
          ? [{ at: e.at, kind, label: describeEvent(e), seq: e.seq }]
          : [];
      }),
    [events, from, to],
  );

  const chrome = CHART_CHROME[theme];
  const fontSize = presentation ? 15 : 12;
  const queries =
    chart.series.length > 0 ? chart.series : drawn.map((d) => ({ name: d.name, query: d.query }));
  const titleId = `chart-${chart.id}-title`;

  return (
    <figure className="chart card" role="figure" aria-labelledby={titleId} data-chart={chart.id}>
      <header className="chart-header">
        <h3 id={titleId}>{chart.title}</h3>
        <ul className="legend" aria-label={`${chart.title} latest values`}>
          {drawn.map((d) => (
            <li key={d.name} data-series={d.name}>
              <span className="swatch" style={{ background: d.color }} aria-hidden="true" />
              <span className="legend-name" title={d.name}>
                {displayName(d.name, stack)}
              </span>
              <span className="legend-value">{formatValue(chart.unit, d.latest)}</span>
            </li>
          ))}
        </ul>
        <button
          type="button"
          className="ghost small"
          aria-haspopup="dialog"
          onClick={() => setShowQuery(true)}
        >
          PromQL
        </button>
      </header>
      <div ref={ref} className="chart-plot" style={{ height }}>
        {width > 0 && (
          <LineChart width={width} height={height} margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid stroke={chrome.grid} vertical={false} />
            <XAxis
              type="number"
              dataKey="t"
              domain={[from, to]}
              allowDataOverflow
              scale="linear"
              ticks={timeTicks(from, to, Math.max(2, Math.min(7, Math.floor(plotWidth / 90))))}
              interval={0}
              tickFormatter={formatClock}
              stroke={chrome.axis}
              tick={{ fontSize, fill: chrome.axis }}
            />
            <YAxis
              width={Y_AXIS_WIDTH}
              stroke={chrome.axis}
              tick={{ fontSize, fill: chrome.axis }}
              tickFormatter={(v: number) => formatValue(chart.unit, v)}
              domain={chart.unit === 'ratio' ? [0, 1] : [0, 'auto']}
              allowDecimals={chart.unit !== 'replicas'}
            />
            {markers.map((m) => (
              <ReferenceLine
                key={m.seq}
                x={m.at}
                stroke={markerColor(theme, m.kind)}
                strokeDasharray="4 3"
                strokeWidth={presentation ? 2 : 1.25}
                ifOverflow="hidden"
              />
            ))}
            {drawn.map((d) => (
              <Line
                key={d.name}
                data={d.points}
                dataKey="v"
                name={d.name}
                type="linear"
                stroke={d.color}
                strokeWidth={presentation ? 3 : 2}
                dot={false}
                isAnimationActive={false}
                connectNulls={false}
              />
            ))}
          </LineChart>
        )}
        {drawn.every((d) => d.points.length === 0) && (
          <p className="chart-empty">No data in this window yet</p>
        )}
      </div>
      {showQuery && (
        <PromqlDialog title={chart.title} queries={queries} onClose={() => setShowQuery(false)} />
      )}
    </figure>
  );
});
