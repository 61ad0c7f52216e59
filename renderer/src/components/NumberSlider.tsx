// A slider with a number box beside it and − / + buttons; all three carry the same accessible
// name so keyboard, pointer and screen-reader users reach the same control.
import { useId } from 'react';

interface Props {
  label: string;
  value: number;
  min: number;
  max: number;
  step?: number;
  unit?: string;
  disabled?: boolean;
  /** Shown under the control and linked as its description (why it is disabled, what it means). */
  hint?: React.ReactNode;
  onChange(value: number): void;
}

export function NumberSlider({ label, value, min, max, step = 1, unit, disabled, hint, onChange }: Props) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const clamp = (v: number) => Math.min(max, Math.max(min, Math.round(v / step) * step));
  const set = (v: number) => {
    if (Number.isFinite(v)) onChange(Number(clamp(v).toFixed(4)));
  };
  return (
    <div className={`number-slider${disabled ? ' disabled' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <div className="number-slider-row">
        <button
          type="button"
          className="ghost square"
          aria-label={`Decrease ${label}`}
          disabled={disabled || value <= min}
          onClick={() => set(value - step)}
        >
          −
        </button>
        <input
          id={id}
          type="range"
          aria-label={label}
          aria-describedby={hintId}
          min={min}
          max={max}
          step={step}
          value={value}
          disabled={disabled}
          onChange={(e) => set(Number(e.target.value))}
          onKeyDown={(e) => {
            // + and - step too, beside the arrows a range input already understands.
            if (e.key === '+' || e.key === '=') set(value + step);
            else if (e.key === '-') set(value - step);
            else return;
            e.preventDefault();
          }}
        />
        <button
          type="button"
          className="ghost square"
          aria-label={`Increase ${label}`}
          disabled={disabled || value >= max}
          onClick={() => set(value + step)}
        >
          +
        </button>
        <input
          type="number"
          className="number-box"
          aria-label={label}
          aria-describedby={hintId}
          min={min}
          max={max}
          step={step}
          value={value}
          disabled={disabled}
          onChange={(e) => set(Number(e.target.value))}
        />
        {unit && <span className="unit">{unit}</span>}
      </div>
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
    </div>
  );
}
