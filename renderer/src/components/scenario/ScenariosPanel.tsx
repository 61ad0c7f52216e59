// The Scenarios control: the built-in demos and a scenario file to play, Play / Pause / Resume /
// Stop, and the progress of the one playing. Sits inside the CommandGuard with the other controls.
import './scenario.css';
import { useRef } from 'react';
import type { ScenarioPlayRequest } from '../../api/channels.ts';
import { isScenarioActive } from '../../store/slices/scenario-slice.ts';
import { useApp } from '../../store/store.ts';
import { Panel } from '../Panel.tsx';
import { formatMinutes } from './countdown.ts';
import { STATE_LABEL, ScenarioProgress } from './ScenarioProgress.tsx';

export function ScenariosPanel() {
  const scenario = useApp((s) => s.scenario);
  const active = isScenarioActive(scenario);
  return (
    <Panel
      title="Scenarios"
      id="scenarios"
      actions={
        scenario && (
          <span
            className={`pill scenario-state-${scenario.state}`}
            role="status"
            aria-label={`Scenario ${STATE_LABEL[scenario.state]}`}
          >
            {STATE_LABEL[scenario.state]}
          </span>
        )
      }
    >
      {scenario && <ScenarioProgress status={scenario} />}
      {active ? <PlayerControls /> : <ScenarioPicker />}
    </Panel>
  );
}

function PlayerControls() {
  const state = useApp((s) => s.scenario?.state);
  const busy = useApp((s) => s.scenarioBusy);
  const pause = useApp((s) => s.pauseScenario);
  const resume = useApp((s) => s.resumeScenario);
  const stop = useApp((s) => s.stopScenario);
  return (
    <div className="row">
      {state === 'paused' ? (
        <button type="button" className="primary" disabled={busy} onClick={() => void resume()}>
          Resume
        </button>
      ) : (
        <button
          type="button"
          disabled={busy || state !== 'playing'}
          title={state === 'playing' ? undefined : 'Steps can be paused once they start'}
          onClick={() => void pause()}
        >
          Pause
        </button>
      )}
      {/* Stopping ends the scenario's load and leaves the stack as it is. */}
      <button type="button" className="danger-outline" disabled={busy} onClick={() => void stop()}>
        Stop scenario
      </button>
    </div>
  );
}

function ScenarioPicker() {
  const scenarios = useApp((s) => s.scenarios);
  const listError = useApp((s) => s.scenariosError);
  const busy = useApp((s) => s.scenarioBusy);
  const absent = useApp((s) => s.status?.phase === 'absent');
  const play = useApp((s) => s.playScenario);
  const reportError = useApp((s) => s.reportError);
  const fileRef = useRef<HTMLInputElement>(null);
  // With nothing deployed, playing deploys first: the scenario needs a stack to act on.
  const start = (request: ScenarioPlayRequest) => void play(absent ? { ...request, deploy: true } : request);

  const openFile = async (file: File | undefined) => {
    if (file === undefined) return;
    try {
      start({ source: await file.text() });
    } catch (error) {
      reportError(`Open ${file.name}`, error);
    } finally {
      // Choosing the same file again (after fixing it) must fire change again.
      if (fileRef.current) fileRef.current.value = '';
    }
  };

  return (
    <div className="scenario-picker">
      {listError ? (
        <p className="muted" role="note">
          Built-in scenarios are not available: {listError.message}
        </p>
      ) : scenarios.length === 0 ? (
        <p className="muted">No built-in scenarios listed.</p>
      ) : (
        <ul className="scenario-list" aria-label="Built-in scenarios">
          {scenarios.map((s) => (
            <li key={s.name}>
              <div className="scenario-summary">
                <strong>{s.title}</strong>
                <span className="muted">
                  {formatMinutes(s.seconds * 1000)} · {s.steps} steps
                </span>
                <span className="scenario-description">{s.description}</span>
              </div>
              <button
                type="button"
                className="primary"
                aria-label={`Play ${s.title}`}
                disabled={busy}
                onClick={() => start({ name: s.name })}
              >
                Play
              </button>
            </li>
          ))}
        </ul>
      )}
      <label className="scenario-file">
        <span>Open a scenario file (YAML or JSON)</span>
        <input
          ref={fileRef}
          type="file"
          accept=".yaml,.yml,.json,application/json,application/yaml,text/yaml"
          disabled={busy}
          onChange={(e) => void openFile(e.target.files?.[0])}
        />
      </label>
      {absent && <p className="hint">Nothing is deployed yet: Play deploys the stack first.</p>}
    </div>
  );
}
