import { useEffect, useState } from 'react';
import { useApp } from '../store/store.ts';
import { formatClock } from '../charts/format.ts';
import { NumberSlider } from './NumberSlider.tsx';
import { Panel } from './Panel.tsx';
import { REPLICA_CEILING } from './ReplicasPanel.tsx';

interface Form {
  minReplicas: number;
  maxReplicas: number;
  targetCpuUtilizationPercent: number;
  profile: 'kubernetes' | 'demo';
}

const DEFAULT_FORM: Form = {
  minReplicas: 1,
  maxReplicas: 6,
  targetCpuUtilizationPercent: 50,
  profile: 'demo',
};

/** On/off, bounds, target CPU and profile; the last decision with its reason. */
export function AutoscalerPanel() {
  const current = useApp((s) => s.status?.autoscaler ?? null);
  const deployed = useApp((s) => s.status !== null && s.status.phase !== 'absent');
  const setAutoscaler = useApp((s) => s.setAutoscaler);
  const decision = useApp((s) => s.lastDecision);
  const [form, setForm] = useState<Form>(current ?? DEFAULT_FORM);
  const [dirty, setDirty] = useState(false);
  const enabled = current !== null;

  // Follow the stack's settings unless the user is editing them.
  useEffect(() => {
    if (current && !dirty) setForm(current);
  }, [current, dirty]);

  // While on, edits apply once the controls rest.
  useEffect(() => {
    if (!dirty || !enabled) return;
    const timer = setTimeout(() => {
      void setAutoscaler({ enabled: true, ...form }).finally(() => setDirty(false));
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
      return next;
    });
  };

  const toggle = (on: boolean) => {
    setDirty(false);
    void setAutoscaler(on ? { enabled: true, ...form } : { enabled: false });
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
