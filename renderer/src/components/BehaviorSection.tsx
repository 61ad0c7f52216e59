// The HPA behavior part of the shared autoscaler form: per direction the stabilization window,
// the select policy and the policy rows. Values still equal to the profile's are marked
// "default"; an error from the core appears under the field it names.
import { useId } from 'react';
import type { ErrorData } from '../api/channels.ts';
import {
  DIRECTIONS,
  DIRECTION_LABEL,
  NEW_POLICY,
  behaviorField,
  behaviorSummary,
  isDefault,
  profileBehavior,
  type AutoscalerProfile,
  type Direction,
  type HpaBehavior,
  type ScalingPolicy,
  type ScalingRules,
} from './behavior-form.ts';

interface Props {
  profile: AutoscalerProfile;
  behavior: HpaBehavior;
  /** The behavior the target applies now (from the status); null while the autoscaler is off. */
  applied: HpaBehavior | null;
  error: ErrorData | null;
  onChange(behavior: HpaBehavior): void;
  /**
   * Put before every control's accessible name and test id when a second copy of the form is on
   * the page (the what-if panel's "What-if"), so each name still picks out one control.
   */
  namePrefix?: string;
}

/** "Scale-up stabilization window", or "What-if scale-up stabilization window" with a prefix. */
function namer(prefix: string | undefined): (name: string) => string {
  return prefix === undefined
    ? (name) => name
    : (name) => `${prefix} ${name.charAt(0).toLowerCase()}${name.slice(1)}`;
}

/** "behavior", or "whatif-behavior" for the prefix "What-if": test ids and element ids, no spaces. */
function idMaker(prefix: string | undefined): (id: string) => string {
  const slug = prefix?.toLowerCase().replace(/[^a-z0-9]+/g, '');
  return slug === undefined ? (id) => id : (id) => `${slug}-${id}`;
}

/** An empty box reads as NaN: the core then names the field instead of the form guessing a value. */
function numberOf(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

function shown(value: number): number | '' {
  return Number.isNaN(value) ? '' : value;
}

function DefaultTag({ on }: { on: boolean }) {
  return on ? <span className="default-tag">default</span> : null;
}

function FieldError({ id, message }: { id: string; message: string | null }) {
  return message === null ? null : (
    <p id={id} className="field-error" role="alert">
      {message}
    </p>
  );
}

/** The error's message when it names this field (the core's message starts with the field). */
function errorFor(error: ErrorData | null, field: string): string | null {
  return error?.field === field ? error.message : null;
}

function Rules({
  direction,
  profile,
  rules,
  error,
  onChange,
  name,
  testId,
}: {
  direction: Direction;
  profile: AutoscalerProfile;
  rules: ScalingRules;
  error: ErrorData | null;
  onChange(rules: ScalingRules): void;
  name(text: string): string;
  testId(id: string): string;
}) {
  const id = useId();
  const label = DIRECTION_LABEL[direction];
  const windowField = behaviorField(direction, 'stabilizationWindowSeconds');
  const selectField = behaviorField(direction, 'selectPolicy');
  const policiesField = behaviorField(direction, 'policies');
  const windowError = errorFor(error, windowField);
  const selectError = errorFor(error, selectField);
  const policiesError = errorFor(error, policiesField);
  const setPolicy = (index: number, change: Partial<ScalingPolicy>) =>
    onChange({
      ...rules,
      policies: rules.policies.map((p, i) => (i === index ? { ...p, ...change } : p)),
    });

  return (
    <fieldset className="behavior-rules">
      <legend>{label}</legend>
      <div className="field">
        <label htmlFor={`${id}-window`}>
          Stabilization window{' '}
          <DefaultTag
            on={isDefault(profile, direction, 'stabilizationWindowSeconds', rules.stabilizationWindowSeconds)}
          />
        </label>
        <div className="number-slider-row">
          <input
            id={`${id}-window`}
            type="number"
            className="number-box"
            aria-label={name(`${label} stabilization window`)}
            aria-invalid={windowError !== null}
            aria-describedby={windowError === null ? undefined : `${id}-window-error`}
            min={0}
            max={3600}
            step={1}
            value={shown(rules.stabilizationWindowSeconds)}
            onChange={(e) => onChange({ ...rules, stabilizationWindowSeconds: numberOf(e.target.value) })}
          />
          <span className="unit">s</span>
        </div>
        <FieldError id={`${id}-window-error`} message={windowError} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-select`}>
          Select policy <DefaultTag on={isDefault(profile, direction, 'selectPolicy', rules.selectPolicy)} />
        </label>
        <select
          id={`${id}-select`}
          aria-label={name(`${label} select policy`)}
          aria-invalid={selectError !== null}
          value={rules.selectPolicy}
          onChange={(e) =>
            onChange({ ...rules, selectPolicy: e.target.value as ScalingRules['selectPolicy'] })
          }
        >
          <option value="Max">Max (the largest change allowed)</option>
          <option value="Min">Min (the smallest change allowed)</option>
          <option value="Disabled">
            Disabled (never {direction === 'scaleUp' ? 'scale up' : 'scale down'})
          </option>
        </select>
        <FieldError id={`${id}-select-error`} message={selectError} />
      </div>
      <div className="behavior-policies" role="group" aria-labelledby={`${id}-policies`}>
        <span id={`${id}-policies`} className="behavior-policies-title">
          {label} policies <DefaultTag on={isDefault(profile, direction, 'policies', rules.policies)} />
        </span>
        {rules.policies.map((policy, index) => {
          const n = index + 1;
          const valueError = errorFor(error, behaviorField(direction, 'policies', index, 'value'));
          const periodError = errorFor(error, behaviorField(direction, 'policies', index, 'periodSeconds'));
          const typeError = errorFor(error, behaviorField(direction, 'policies', index, 'type'));
          const rowError = valueError ?? periodError ?? typeError;
          return (
            <div key={index} className="behavior-policy" data-testid={testId(`${direction}-policy`)}>
              <div className="behavior-policy-row">
                <input
                  type="number"
                  className="number-box"
                  aria-label={name(`${label} policy ${n} value`)}
                  aria-invalid={valueError !== null}
                  aria-describedby={rowError === null ? undefined : `${id}-policy-${index}-error`}
                  min={1}
                  step={1}
                  value={shown(policy.value)}
                  onChange={(e) => setPolicy(index, { value: numberOf(e.target.value) })}
                />
                <select
                  aria-label={name(`${label} policy ${n} type`)}
                  aria-invalid={typeError !== null}
                  value={policy.type}
                  onChange={(e) => setPolicy(index, { type: e.target.value as ScalingPolicy['type'] })}
                >
                  <option value="Pods">pods</option>
                  <option value="Percent">%</option>
                </select>
                <span className="unit">per</span>
                <input
                  type="number"
                  className="number-box"
                  aria-label={name(`${label} policy ${n} period`)}
                  aria-invalid={periodError !== null}
                  aria-describedby={rowError === null ? undefined : `${id}-policy-${index}-error`}
                  min={1}
                  max={1800}
                  step={1}
                  value={shown(policy.periodSeconds)}
                  onChange={(e) => setPolicy(index, { periodSeconds: numberOf(e.target.value) })}
                />
                <span className="unit">s</span>
                <button
                  type="button"
                  className="ghost square"
                  aria-label={name(`Remove ${label.toLowerCase()} policy ${n}`)}
                  onClick={() =>
                    onChange({ ...rules, policies: rules.policies.filter((_, i) => i !== index) })
                  }
                >
                  ×
                </button>
              </div>
              <FieldError id={`${id}-policy-${index}-error`} message={rowError} />
            </div>
          );
        })}
        <FieldError id={`${id}-policies-error`} message={policiesError} />
        <div>
          <button
            type="button"
            className="ghost small"
            onClick={() => onChange({ ...rules, policies: [...rules.policies, { ...NEW_POLICY }] })}
            aria-label={name(`Add ${label.toLowerCase()} policy`)}
          >
            Add {label.toLowerCase()} policy
          </button>
        </div>
      </div>
    </fieldset>
  );
}

/** Collapsed by default: the summary line shows the windows in effect. */
export function BehaviorSection({ profile, behavior, applied, error, onChange, namePrefix }: Props) {
  const name = namer(namePrefix);
  const testId = idMaker(namePrefix);
  // An error under behavior that no field above shows (an unknown key, a whole direction).
  const fieldsShown = new Set<string>();
  for (const direction of DIRECTIONS) {
    fieldsShown.add(behaviorField(direction, 'stabilizationWindowSeconds'));
    fieldsShown.add(behaviorField(direction, 'selectPolicy'));
    fieldsShown.add(behaviorField(direction, 'policies'));
    behavior[direction].policies.forEach((_, i) => {
      for (const key of ['value', 'periodSeconds', 'type'])
        fieldsShown.add(behaviorField(direction, 'policies', i, key));
    });
  }
  const other = error?.field?.startsWith('behavior') && !fieldsShown.has(error.field) ? error.message : null;
  return (
    <details className="behavior" data-testid={testId('behavior')}>
      <summary>
        Behavior{' '}
        <span className="muted" data-testid={testId('behavior-summary')}>
          {applied === null ? `${behaviorSummary(behavior)} (applies when on)` : behaviorSummary(applied)}
        </span>
      </summary>
      <div className="behavior-grid">
        {DIRECTIONS.map((direction) => (
          <Rules
            key={direction}
            direction={direction}
            profile={profile}
            rules={behavior[direction]}
            error={error}
            onChange={(rules) => onChange({ ...behavior, [direction]: rules })}
            name={name}
            testId={testId}
          />
        ))}
      </div>
      <FieldError id={testId('behavior-error')} message={other} />
      <div className="row end">
        <button
          type="button"
          className="ghost small"
          aria-label={name('Reset behavior to the profile’s defaults')}
          onClick={() => onChange(profileBehavior(profile))}
        >
          Reset behavior to the profile’s defaults
        </button>
      </div>
    </details>
  );
}
