// One chart on the shared time axis: the frame (grid, axes) from recharts, re-rendered only when
// the window, size, theme or y range change; the series and markers in SeriesPaths, the one part
// that moves with every update; the legend with the latest values; its PromQL one click away.
import { memo, useMemo, useState } from 'react';
import { CartesianGrid, LineChart, XAxis, YAxis } from 'recharts';
import type { ChartInfo } from '../api/channels.ts';
import { useApp } from '../store/store.ts';
import { viewSeries, viewWindowMs } from '../store/view.ts';
import { makeTick } from './AxisTick.tsx';
import { ChartLegend } from './ChartLegend.tsx';
import { formatValue } from './format.ts';
import { yDomain, yTicks } from './nice-scale.ts';
import { CHART_CHROME } from './palette.ts';
import { PromqlDialog } from './PromqlDialog.tsx';
import { SeriesPaths } from './SeriesPaths.tsx';
import { formatAgo, relativeTicks } from './time-ticks.ts';
import { useElementWidth } from './use-element-width.ts';
import { hasVisibleValue, visibleMax } from './use-visible-series.ts';

const Y_AXIS_WIDTH = 64;
const MARGIN = { top: 6, right: 14, bottom: 0, left: 0 };

export const TimeSeriesChart = memo(function TimeSeriesChart({ chart }: { chart: ChartInfo }) {
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const [showQuery, setShowQuery] = useState(false);
  const windowMs = useApp(viewWindowMs);
  const theme = useApp((s) => s.theme);
  const presentation = useApp((s) => s.presentation);
  // The nice top of the y axis, not the raw maximum: the frame re-renders only when it changes.
  const yTop = useApp((s) => yDomain(chart.unit, visibleMax(s, chart.id))[1]);
  const queries = useApp(viewSeries);
  const empty = useApp((s) => !hasVisibleValue(s, chart.id));

  const height = presentation ? 250 : 190;
  const chrome = CHART_CHROME[theme];
  const fontSize = presentation ? 15 : 12;
  const xDomain = useMemo(() => [-windowMs, 0], [windowMs]);
  const yRange = useMemo(() => [0, yTop], [yTop]);
  const yTickValues = useMemo(() => yTicks(chart.unit, yTop), [chart.unit, yTop]);
  const ticks = useMemo(
    () => relativeTicks(windowMs, Math.max(2, Math.min(7, Math.floor((width - Y_AXIS_WIDTH) / 80)))),
    [windowMs, width],
  );
  const xTick = useMemo(() => makeTick('x', formatAgo, fontSize, chrome.axis), [fontSize, chrome.axis]);
  const yTick = useMemo(
    () => makeTick('y', (v) => formatValue(chart.unit, v), fontSize, chrome.axis),
    [fontSize, chrome.axis, chart.unit],
  );

  const titleId = `chart-${chart.id}-title`;
  const promql = () => {
    if (chart.series.length > 0 && !chart.series.some((s) => s.query === '')) return chart.series;
    return [...queries.values()]
      .filter((e) => e.chart === chart.id)
      .map((e) => ({ name: e.name, query: e.query }));
  };

  return (
    <figure className="chart card" role="figure" aria-labelledby={titleId} data-chart={chart.id}>
      <header className="chart-header">
        <h3 id={titleId}>{chart.title}</h3>
        <ChartLegend chart={chart} />
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
          <LineChart width={width} height={height} margin={MARGIN}>
            <CartesianGrid stroke={chrome.grid} vertical={false} />
            <XAxis
              type="number"
              dataKey="t"
              domain={xDomain}
              allowDataOverflow
              scale="linear"
              ticks={ticks}
              interval={0}
              stroke={chrome.axis}
              tick={xTick}
            />
            <YAxis
              width={Y_AXIS_WIDTH}
              type="number"
              stroke={chrome.axis}
              tick={yTick}
              domain={yRange}
              ticks={yTickValues}
              interval={0}
              allowDataOverflow
              allowDecimals={chart.unit !== 'replicas'}
            />
            <SeriesPaths
              chart={chart}
              theme={theme}
              strokeWidth={presentation ? 3 : 2}
              markerWidth={presentation ? 2 : 1.25}
            />
          </LineChart>
        )}
        {empty && <p className="chart-empty">No data in this window yet</p>}
      </div>
      {showQuery && (
        <PromqlDialog title={chart.title} queries={promql()} onClose={() => setShowQuery(false)} />
      )}
    </figure>
  );
});
