// "What if…": the autoscaler's recorded run replayed through other bounds, target or profile
// (channel decisions:whatif, core/decisions/replay.ts), charted beside what happened, with the
// replay's one-line summary and the load model it assumes. Edits replay once the controls rest.
import { useEffect, useState } from 'react';
import type { EnabledAutoscaler, Recording, WhatIfRequest } from '../../api/channels.ts';
import { useApp } from '../../store/store.ts';
import { NumberSlider } from '../NumberSlider.tsx';
import { Panel } from '../Panel.tsx';
import { REPLICA_CEILING } from '../ReplicasPanel.tsx';
import { WhatIfChart } from './WhatIfChart.tsx';
import { spanText } from './whatif-chart-data.ts';
import './whatif.css';

export type WhatIfForm = Required<
  Pick<WhatIfRequest, 'minReplicas' | 'maxReplicas' | 'targetCpuUtilizationPercent' | 'profile'>
>;

const DEFAULT_FORM: WhatIfForm = {
  minReplicas: 1,
  maxReplicas: 6,
  targetCpuUtilizationPercent: 50,
  profile: 'demo',
};

const formOf = (settings: EnabledAutoscaler): WhatIfForm => ({
  minReplicas: settings.minReplicas,
  maxReplicas: settings.maxReplicas,
  targetCpuUtilizationPercent: settings.targetCpuUtilizationPercent,
  profile: settings.profile,
});

export const EMPTY_TEXT = 'No recording yet: turn the autoscaler on and let it run a minute.';

/** recording: an export opened offline; without it the core replays its controller's own. */
export function WhatIfPanel({ recording }: { recording?: Recording }) {
  const settings = useApp((s) => s.status?.autoscaler ?? null);
  const result = useApp((s) => s.whatIf);
  const error = useApp((s) => s.whatIfError);
  const busy = useApp((s) => s.whatIfBusy);
  const runWhatIf = useApp((s) => s.runWhatIf);
  const [form, setForm] = useState<WhatIfForm>(settings ? formOf(settings) : DEFAULT_FORM);
  const [dirty, setDirty] = useState(false);

  // Start from the settings in effect, so the first replay is the run as it happened.
  useEffect(() => {
    if (settings && !dirty) setForm(formOf(settings));
  }, [settings, dirty]);

  useEffect(() => {
    const timer = setTimeout(() => void runWhatIf(form, recording), dirty ? 400 : 0);
    return () => clearTimeout(timer);
  }, [form, dirty, recording, runWhatIf]);

  const edit = (change: Partial<WhatIfForm>) => {
    setDirty(true);
    setForm((f) => {
      const next = { ...f, ...change };
      if (change.minReplicas !== undefined && next.maxReplicas < next.minReplicas)
        next.maxReplicas = next.minReplicas;
      if (change.maxReplicas !== undefined && next.minReplicas > next.maxReplicas)
        next.minReplicas = next.maxReplicas;
      return next;
    });
  };

  return (
    <Panel
      title="What if…"
      id="whatif"
      className="whatif"
      actions={
        <button
          type="button"
          className="subtle"
          disabled={busy}
          onClick={() => void runWhatIf(form, recording)}
        >
          Replay again
        </button>
      }
    >
      <div className="whatif-body">
        <form className="whatif-form" aria-label="What-if settings" onSubmit={(e) => e.preventDefault()}>
          <NumberSlider
            label="Min replicas"
            name="What-if min replicas"
            value={form.minReplicas}
            min={1}
            max={REPLICA_CEILING}
            onChange={(v) => edit({ minReplicas: v })}
          />
          <NumberSlider
            label="Max replicas"
            name="What-if max replicas"
            value={form.maxReplicas}
            min={1}
            max={REPLICA_CEILING}
            onChange={(v) => edit({ maxReplicas: v })}
          />
          <NumberSlider
            label="Target CPU"
            name="What-if target CPU"
            unit="%"
            value={form.targetCpuUtilizationPercent}
            min={1}
            max={100}
            onChange={(v) => edit({ targetCpuUtilizationPercent: v })}
          />
          <div className="field">
            <label htmlFor="whatif-profile">Profile</label>
            <select
              id="whatif-profile"
              aria-label="What-if profile"
              value={form.profile}
              onChange={(e) => edit({ profile: e.target.value as WhatIfForm['profile'] })}
            >
              <option value="kubernetes">Kubernetes defaults</option>
              <option value="demo">Demo (fast)</option>
            </select>
          </div>
          {error !== null && (
            <p className="field-error" role="alert">
              {error.message}
            </p>
          )}
        </form>
        <div className="whatif-result" aria-live="polite" data-testid="whatif-result">
          {result === undefined ? (
            <p className="muted">Replaying…</p>
          ) : result === null ? (
            <p className="whatif-empty">{EMPTY_TEXT}</p>
          ) : (
            <>
              <p className="whatif-summary" data-testid="whatif-summary">
                <strong>What if:</strong> {result.summary.text}
              </p>
              <p className="whatif-figures muted">
                {result.syncs} syncs over {spanText(result.to - result.from)} · peak{' '}
                {result.summary.peakReplicas} replicas · {Math.round(result.summary.actualReplicaSeconds)} →{' '}
                {Math.round(result.summary.whatIfReplicaSeconds)} replica-seconds
              </p>
              <WhatIfChart result={result} targetCpu={form.targetCpuUtilizationPercent} />
              <p className="whatif-model muted" data-testid="whatif-model">
                Load model: {result.loadModel} (
                {result.replicaStartupMeasured ? 'measured' : 'no replica started, default'}{' '}
                {Math.round(result.replicaStartupMs / 100) / 10} s).
              </p>
            </>
          )}
        </div>
      </div>
    </Panel>
  );
}
