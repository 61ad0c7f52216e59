import { useEffect, useState } from 'react';
import type { EnabledAutoscaler, ErrorData } from '../api/channels.ts';
import { useApp } from '../store/store.ts';
import { formatClock } from '../charts/format.ts';
import { BehaviorSection } from './BehaviorSection.tsx';
import { DecisionExplanationCard } from './DecisionExplanationCard.tsx';
import { beyondCapacity, capacityMark } from './capacity-text.ts';
import { profileBehavior, rebaseBehavior } from './behavior-form.ts';
import { NumberSlider } from './NumberSlider.tsx';
import { Panel } from './Panel.tsx';
import { REPLICA_CEILING } from './ReplicasPanel.tsx';

type Form = Omit<EnabledAutoscaler, 'enabled'>;

const DEFAULT_FORM: Form = {
  minReplicas: 1,
  maxReplicas: 6,
  targetCpuUtilizationPercent: 50,
  profile: 'demo',
  behavior: profileBehavior('demo'),
};

function formOf({ enabled: _enabled, ...form }: EnabledAutoscaler): Form {
  return form;
}

/** On/off, bounds, target CPU, profile and behavior; the last decision with its reason and arithmetic. */
export function AutoscalerPanel() {
  const current = useApp((s) => s.status?.autoscaler ?? null);
  const deployed = useApp((s) => s.status !== null && s.status.phase !== 'absent');
  const target = useApp((s) => s.status?.target);
  const capacity = useApp((s) => s.status?.capacity ?? null);
  const setAutoscaler = useApp((s) => s.setAutoscaler);
  const decision = useApp((s) => s.lastDecision);
  const [form, setForm] = useState<Form>(current ? formOf(current) : DEFAULT_FORM);
  const [dirty, setDirty] = useState(false);
  // The core's refusal of the last apply, shown next to the field it names.
  const [error, setError] = useState<ErrorData | null>(null);
  const enabled = current !== null;

  // Follow the stack's settings unless the user is editing them.
  useEffect(() => {
    if (current && !dirty) setForm(formOf(current));
  }, [current, dirty]);

  // While on, edits apply once the controls rest. A refused edit stays in the form (still dirty)
  // beside its error until the user changes it.
  useEffect(() => {
    if (!dirty || !enabled) return;
    const timer = setTimeout(() => {
      void setAutoscaler({ enabled: true, ...form }).then((refused) => {
        setError(refused);
        if (refused === null) setDirty(false);
      });
    }, 500);
    return () => clearTimeout(timer);
  }, [form, dirty, enabled, setAutoscaler]);

  const edit = (change: Partial<Form>) => {
    setDirty(true);
    setForm((f) => {
      const next = { ...f, ...change };
      // Keep min <= max whichever one moved, instead of sending a request the core must reject.
      if (change.minReplicas !== undefined && next.maxReplicas < next.minReplicas)
        next.maxReplicas = next.minReplicas;
      if (change.maxReplicas !== undefined && next.minReplicas > next.maxReplicas)
        next.minReplicas = next.maxReplicas;
      // Behavior values still at the old profile's defaults follow the new profile.
      if (change.profile !== undefined && change.profile !== f.profile)
        next.behavior = rebaseBehavior(f.behavior, f.profile, change.profile);
      return next;
    });
  };

  const toggle = (on: boolean) => {
    setDirty(false);
    setError(null);
    void setAutoscaler(on ? { enabled: true, ...form } : { enabled: false }).then((refused) => {
      setError(refused);
      // Keep a refused form as typed, so the error sits beside the value it is about.
      if (refused !== null) setDirty(true);
    });
  };

  return (
    <Panel
      title="Autoscaler"
      id="autoscaler"
      actions={
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            aria-label="Autoscaler"
            checked={enabled}
            disabled={!deployed}
            onChange={(e) => toggle(e.target.checked)}
          />
          <span aria-hidden="true">{enabled ? 'On' : 'Off'}</span>
        </label>
      }
    >
      <NumberSlider
        label="Min replicas"
        value={form.minReplicas}
        min={1}
        max={REPLICA_CEILING}
        onChange={(v) => edit({ minReplicas: v })}
      />
      <NumberSlider
        label="Max replicas"
        value={form.maxReplicas}
        min={1}
        max={REPLICA_CEILING}
        soft={capacityMark(capacity)}
        warning={beyondCapacity(target, capacity, form.maxReplicas)}
        onChange={(v) => edit({ maxReplicas: v })}
      />
      <NumberSlider
        label="Target CPU"
        unit="%"
        value={form.targetCpuUtilizationPercent}
        min={1}
        max={100}
        onChange={(v) => edit({ targetCpuUtilizationPercent: v })}
      />
      <div className="field">
        <label htmlFor="autoscaler-profile">Profile</label>
        <select
          id="autoscaler-profile"
          value={form.profile}
          onChange={(e) => edit({ profile: e.target.value as Form['profile'] })}
        >
          <option value="kubernetes">Kubernetes defaults (15 s sync, 5 min scale-down window)</option>
          <option value="demo">Demo (fast: reacts in seconds)</option>
        </select>
      </div>
      <BehaviorSection
        profile={form.profile}
        behavior={form.behavior}
        applied={current?.behavior ?? null}
        error={error}
        onChange={(behavior) => edit({ behavior })}
      />
      {error !== null && !error.field?.startsWith('behavior') && (
        <p className="field-error" role="alert">
          {error.message}
        </p>
      )}
      <div className="decision" aria-live="polite" data-testid="last-decision">
        {decision ? (
          <>
            <div className="decision-head">
              <span className="muted">{formatClock(decision.at)}</span>
              <strong>
                {decision.currentReplicas} → {decision.desiredReplicas}
              </strong>
              <span className="muted">
                CPU{' '}
                {decision.averageUtilizationPercent === null
                  ? 'n/a'
                  : `${Math.round(decision.averageUtilizationPercent)} %`}{' '}
                / target {decision.targetUtilizationPercent} %
              </span>
              {decision.limitedBy !== 'none' && (
                <span className="pill subtle">limited by {decision.limitedBy}</span>
              )}
            </div>
            <p className="decision-reason">{decision.reason}</p>
            {decision.explanation && (
              // Collapsed to the headline above: the arithmetic is for whoever asks "why this many?".
              <details className="decision-explain">
                <summary>Why {decision.desiredReplicas}? The arithmetic, step by step</summary>
                <DecisionExplanationCard explanation={decision.explanation} />
              </details>
            )}
          </>
        ) : (
          <p className="muted">
            {enabled ? 'Waiting for the first decision…' : 'No decision yet: turn the autoscaler on.'}
          </p>
        )}
      </div>
    </Panel>
  );
}
