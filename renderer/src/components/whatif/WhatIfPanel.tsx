// "What if…": the autoscaler's recorded run (the live controller's, or an opened file's) replayed
// through other bounds, target, profile or behavior (channel decisions:whatif,
// core/decisions/replay.ts), charted beside what happened, with the replay's one-line summary and
// the load model it assumes. Edits replay once the controls rest.
import { useEffect, useState } from 'react';
import type { Recording } from '../../api/channels.ts';
import { useApp } from '../../store/store.ts';
import { BehaviorSection } from '../BehaviorSection.tsx';
import { NumberSlider } from '../NumberSlider.tsx';
import { Panel } from '../Panel.tsx';
import { REPLICA_CEILING } from '../ReplicasPanel.tsx';
import { WhatIfChart } from './WhatIfChart.tsx';
import { spanText } from './whatif-chart-data.ts';
import {
  DEFAULT_FORM,
  editForm,
  formOfRecording,
  formOfSettings,
  requestOf,
  type WhatIfForm,
} from './whatif-form.ts';
import './whatif.css';

export type { WhatIfForm };

export const EMPTY_TEXT = 'No recording yet: turn the autoscaler on and let it run a minute.';
/** Browser mode caps a request's body; the file's recording may be longer than that. */
export const TOO_BIG_FIX =
  'This recording is too long to send to browser mode: replay it in the desktop app, or with `scaledeck whatif --recording FILE`.';
export const NO_RECORDING_TEXT =
  'This file holds no recording (it was saved before the autoscaler ran): nothing to replay.';

/**
 * recording: undefined replays the core's own controller (the live session); a Recording is an
 * export opened offline, replayed with no stack behind it; null is an opened file without one.
 */
export function WhatIfPanel({ recording }: { recording?: Recording | null }) {
  const live = recording === undefined;
  const settings = useApp((s) => (live ? (s.status?.autoscaler ?? null) : null));
  // A new target has its own controller, so its own recording: the live panel replays again.
  const targetId = useApp((s) => (live ? s.targetId : null));
  const result = useApp((s) => s.whatIf);
  const error = useApp((s) => s.whatIfError);
  const busy = useApp((s) => s.whatIfBusy);
  const runWhatIf = useApp((s) => s.runWhatIf);
  const initial = () =>
    (recording ? formOfRecording(recording) : settings ? formOfSettings(settings) : null) ?? DEFAULT_FORM;
  // Where the form started: behavior is sent as the edits from there (whatif-form.ts).
  const [start, setStart] = useState<WhatIfForm>(initial);
  const [form, setForm] = useState<WhatIfForm>(start);
  const [dirty, setDirty] = useState(false);
  const canReplay = recording !== null;

  // Live, start from the settings in effect, so the first replay is the run as it happened.
  useEffect(() => {
    if (settings && !dirty) {
      const next = formOfSettings(settings);
      setStart(next);
      setForm(next);
    }
  }, [settings, dirty]);

  useEffect(() => {
    if (!canReplay) return;
    const timer = setTimeout(
      () => void runWhatIf(requestOf(form, start), recording ?? undefined),
      dirty ? 400 : 0,
    );
    return () => clearTimeout(timer);
  }, [form, start, dirty, recording, canReplay, targetId, runWhatIf]);

  const edit = (change: Partial<WhatIfForm>) => {
    setDirty(true);
    setForm((f) => editForm(f, change));
  };
  const behaviorError = error?.field?.startsWith('behavior') ? error : null;

  return (
    <Panel
      title="What if…"
      id="whatif"
      className="whatif"
      actions={
        <button
          type="button"
          className="subtle"
          disabled={busy || !canReplay}
          onClick={() => void runWhatIf(requestOf(form, start), recording ?? undefined)}
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
          <BehaviorSection
            namePrefix="What-if"
            profile={form.profile}
            behavior={form.behavior}
            // What the replay applies is the form itself: its summary shows the form's windows.
            applied={form.behavior}
            error={behaviorError}
            onChange={(behavior) => edit({ behavior })}
          />
          {error !== null && behaviorError === null && (
            <p className="field-error" role="alert">
              {error.message}
              {error.field === 'body' && recording && <> {TOO_BIG_FIX}</>}
            </p>
          )}
        </form>
        <div className="whatif-result" aria-live="polite" data-testid="whatif-result">
          {!canReplay ? (
            <p className="whatif-empty">{NO_RECORDING_TEXT}</p>
          ) : result === undefined ? (
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
