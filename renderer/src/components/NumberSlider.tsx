// A slider with a number box beside it and − / + buttons; all three carry the same accessible
// name so keyboard, pointer and screen-reader users reach the same control.
import { useId } from 'react';

interface Props {
  label: string;
  /** The accessible name when the visible label alone is ambiguous on the page (defaults to it). */
  name?: string;
  value: number;
  min: number;
  max: number;
  step?: number;
  unit?: string;
  disabled?: boolean;
  /** Shown under the control and linked as its description (why it is disabled, what it means). */
  hint?: React.ReactNode;
  /**
   * A soft limit inside min..max (e.g. how many replicas fit): its text sits beside the label and
   * the track past it is hatched. Values beyond stay selectable; `warning` says what they mean.
   */
  soft?: { at: number; text: string; title?: string };
  /** Shown under the control while the value is past the soft limit. */
  warning?: React.ReactNode;
  onChange(value: number): void;
}

export function NumberSlider({
  label,
  name = label,
  value,
  min,
  max,
  step = 1,
  unit,
  disabled,
  hint,
  soft,
  warning,
  onChange,
}: Props) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const softId = soft ? `${id}-soft` : undefined;
  const warningId = warning ? `${id}-warning` : undefined;
  const describedBy = [softId, warningId, hintId].filter(Boolean).join(' ') || undefined;
  // Where the hatched zone starts, as a fraction of the track (the thumb's travel).
  const softFrom = soft && soft.at < max ? Math.max(0, (soft.at - min) / (max - min)) : null;
  const clamp = (v: number) => Math.min(max, Math.max(min, Math.round(v / step) * step));
  const set = (v: number) => {
    if (Number.isFinite(v)) onChange(Number(clamp(v).toFixed(4)));
  };
  // The slider and the number box are one control: same name, description, range and value.
  const shared = {
    'aria-label': name,
    'aria-describedby': describedBy,
    min,
    max,
    step,
    value,
    disabled,
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => set(Number(e.target.value)),
  };
  return (
    <div className={`number-slider${disabled ? ' disabled' : ''}`}>
      {soft ? (
        <div className="number-slider-head">
          <label htmlFor={id}>{label}</label>
          <span id={softId} className="soft-limit" title={soft.title}>
            {soft.text}
          </span>
        </div>
      ) : (
        <label htmlFor={id}>{label}</label>
      )}
      <div className="number-slider-row">
        <button
          type="button"
          className="ghost square"
          aria-label={`Decrease ${name}`}
          disabled={disabled || value <= min}
          onClick={() => set(value - step)}
        >
          −
        </button>
        <span className="range-track">
          {softFrom !== null && (
            <span
              className="beyond-soft"
              aria-hidden="true"
              style={{ '--soft-from': softFrom } as React.CSSProperties}
            />
          )}
          <input
            id={id}
            type="range"
            {...shared}
            onKeyDown={(e) => {
              // + and - step too, beside the arrows a range input already understands.
              if (e.key === '+' || e.key === '=') set(value + step);
              else if (e.key === '-') set(value - step);
              else return;
              e.preventDefault();
            }}
          />
        </span>
        <button
          type="button"
          className="ghost square"
          aria-label={`Increase ${name}`}
          disabled={disabled || value >= max}
          onClick={() => set(value + step)}
        >
          +
        </button>
        <input type="number" className="number-box" {...shared} />
        {unit && <span className="unit">{unit}</span>}
      </div>
      {warning && (
        <p id={warningId} className="soft-warning" role="status">
          {warning}
        </p>
      )}
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
    </div>
  );
}
