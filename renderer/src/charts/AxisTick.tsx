// Plain <text> ticks: recharts' default <Text> measures every label in the DOM to wrap it, which
// forced a layout per label per update; axis labels here are short and never wrap.

interface TickProps {
  x?: number | string;
  y?: number | string;
  payload?: { value: number };
}

export function makeTick(axis: 'x' | 'y', format: (v: number) => string, fontSize: number, fill: string) {
  return function AxisTick({ x, y, payload }: TickProps) {
    if (payload === undefined) return <g />;
    return axis === 'x' ? (
      <text x={x} y={Number(y) + fontSize * 0.9} textAnchor="middle" fontSize={fontSize} fill={fill}>
        {format(payload.value)}
      </text>
    ) : (
      <text
        x={Number(x) - 2}
        y={Number(y) + fontSize * 0.35}
        textAnchor="end"
        fontSize={fontSize}
        fill={fill}
      >
        {format(payload.value)}
      </text>
    );
  };
}
