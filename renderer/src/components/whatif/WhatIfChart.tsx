// The actual and the hypothetical replica count on one chart, and under it the CPU each replica
// carries in each run (the load model's consequence), on the same seconds axis. Step lines: a
// replica count holds between syncs. No animation, so a screenshot shows the final lines.
import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { WhatIfResult } from '../../api/channels.ts';
import { CHART_CHROME, seriesColor } from '../../charts/palette.ts';
import { useElementWidth } from '../../charts/use-element-width.ts';
import { useApp } from '../../store/store.ts';
import { whatIfRows } from './whatif-chart-data.ts';

const MARGIN = { top: 8, right: 16, bottom: 0, left: 0 };

export function WhatIfChart({ result, targetCpu }: { result: WhatIfResult; targetCpu: number }) {
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const theme = useApp((s) => s.theme);
  const presentation = useApp((s) => s.presentation);
  const rows = useMemo(() => whatIfRows(result), [result]);
  const chrome = CHART_CHROME[theme];
  const actualColor = seriesColor(theme, 0);
  const whatIfColor = seriesColor(theme, 1);
  const fontSize = presentation ? 15 : 12;
  const peak = Math.max(1, ...rows.map((r) => Math.max(r.actual, r.whatIf ?? 0)));
  const axis = { stroke: chrome.axis, tick: { fill: chrome.axis, fontSize } };
  const xAxis = (
    <XAxis
      dataKey="t"
      type="number"
      domain={['dataMin', 'dataMax']}
      unit=" s"
      tickCount={8}
      allowDecimals={false}
      {...axis}
    />
  );
  return (
    <div ref={ref} className="whatif-charts">
      <ul className="whatif-legend" aria-label="Lines">
        <li>
          <span className="swatch" style={{ background: actualColor }} /> actual (recorded)
        </li>
        <li>
          <span className="swatch dashed" style={{ borderColor: whatIfColor }} /> what if
        </li>
      </ul>
      {width > 0 && (
        <>
          <h3 className="whatif-chart-title">Replicas</h3>
          <LineChart
            width={width}
            height={presentation ? 260 : 210}
            data={rows}
            margin={MARGIN}
            aria-label="Replicas: actual and what if"
          >
            <CartesianGrid stroke={chrome.grid} vertical={false} />
            {xAxis}
            <YAxis domain={[0, peak + 1]} allowDecimals={false} width={40} {...axis} />
            <Tooltip isAnimationActive={false} />
            <Line
              name="actual"
              dataKey="actual"
              type="stepAfter"
              stroke={actualColor}
              strokeWidth={2.5}
              dot={false}
              isAnimationActive={false}
            />
            <Line
              name="what if"
              dataKey="whatIf"
              type="stepAfter"
              stroke={whatIfColor}
              strokeWidth={2.5}
              strokeDasharray="6 4"
              dot={false}
              isAnimationActive={false}
            />
          </LineChart>
          <h3 className="whatif-chart-title">CPU per ready replica (%)</h3>
          <LineChart
            width={width}
            height={presentation ? 170 : 130}
            data={rows}
            margin={MARGIN}
            aria-label="CPU per replica: actual and what if"
          >
            <CartesianGrid stroke={chrome.grid} vertical={false} />
            {xAxis}
            <YAxis domain={[0, 'auto']} width={40} {...axis} />
            <Tooltip isAnimationActive={false} />
            <ReferenceLine
              y={targetCpu}
              stroke={chrome.axis}
              strokeDasharray="2 3"
              label={{
                value: `target ${targetCpu} %`,
                fill: chrome.axis,
                fontSize,
                position: 'insideTopRight',
              }}
            />
            <Line
              name="actual"
              dataKey="actualCpu"
              stroke={actualColor}
              strokeWidth={2}
              dot={false}
              connectNulls
              isAnimationActive={false}
            />
            <Line
              name="what if"
              dataKey="whatIfCpu"
              stroke={whatIfColor}
              strokeWidth={2}
              strokeDasharray="6 4"
              dot={false}
              connectNulls
              isAnimationActive={false}
            />
          </LineChart>
        </>
      )}
    </div>
  );
}
