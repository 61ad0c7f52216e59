import { useApp } from '../store/store.ts';
import { viewCharts } from '../store/view.ts';
import { TimeSeriesChart } from '../charts/TimeSeriesChart.tsx';

export function ChartsGrid() {
  const charts = useApp(viewCharts);
  if (charts.length === 0)
    return <p className="muted card empty">Charts appear once Scaledeck lists them.</p>;
  return (
    <div className="charts-grid">
      {charts.map((c) => (
        <TimeSeriesChart key={c.id} chart={c} />
      ))}
    </div>
  );
}
