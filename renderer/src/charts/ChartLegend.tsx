import { memo } from 'react';
import type { ChartInfo } from '../api/channels.ts';
import { useApp } from '../store/store.ts';
import { viewNow, viewWindowMs } from '../store/view.ts';
import { formatValue } from './format.ts';
import { seriesColor } from './palette.ts';
import { displayName } from './series-name.ts';
import { orderedSeries } from './use-visible-series.ts';

/** Series names with their latest value, so the number is readable without hovering. */
export const ChartLegend = memo(function ChartLegend({ chart }: { chart: ChartInfo }) {
  const theme = useApp((s) => s.theme);
  const stack = useApp((s) => s.status?.stack);
  // One string per render: compares by value, so the legend re-renders only when a shown value changes.
  const text = useApp((s) => {
    const from = viewNow(s) - viewWindowMs(s);
    return orderedSeries(s, chart)
      .map((e) => {
        const last = e.buffer.last;
        return `${e.name}\u0001${formatValue(chart.unit, last && last.t >= from ? last.v : null)}`;
      })
      .join('\u0000');
  });
  const items =
    text === '' ? [] : text.split('\u0000').map((item) => item.split('\u0001') as [string, string]);
  return (
    <ul className="legend" aria-label={`${chart.title} latest values`}>
      {items.map(([name, value], i) => (
        <li key={name} data-series={name}>
          <span className="swatch" style={{ background: seriesColor(theme, i) }} aria-hidden="true" />
          <span className="legend-name" title={name}>
            {displayName(name, stack)}
          </span>
          <span className="legend-value">{value}</span>
        </li>
      ))}
      {items.length === 0 && <li className="muted">no data yet</li>}
    </ul>
  );
});
