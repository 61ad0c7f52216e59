import { useEffect } from 'react';
import {
  CLIENT_MODEL_LABEL,
  CLIENT_MODEL_TEXT,
  CLIENT_MODELS,
  type ClientModel,
} from '../../../electron/core/loadgen/client-model.ts';
import { useApp } from '../store/store.ts';
import { isLoadActive, readPercentOf } from '../store/slices/load-slice.ts';
import { isScenarioActive } from '../store/slices/scenario-slice.ts';
import { NumberSlider } from './NumberSlider.tsx';
import { Panel } from './Panel.tsx';

/** The built-in load generator: rate, read/write mix, key skew, client model, start/stop. */
export function LoadPanel() {
  const form = useApp((s) => s.loadForm);
  const report = useApp((s) => s.loadReport);
  const setLoadForm = useApp((s) => s.setLoadForm);
  const startLoad = useApp((s) => s.startLoad);
  const stopLoad = useApp((s) => s.stopLoad);
  const updateLoad = useApp((s) => s.updateLoad);
  const deployed = useApp((s) => s.status !== null && s.status.phase !== 'absent');
  const active = isLoadActive(report);
  const edited = useApp((s) => s.loadFormEdited);
  const scenario = useApp((s) => (isScenarioActive(s.scenario) ? s.scenario!.title : null));

  // A running generator follows the controls once they rest, when the user moved them.
  const sentRate = report?.rate;
  const sentSkew = report?.zipfExponent;
  const sentReads = report ? readPercentOf(report.mix) : undefined;
  useEffect(() => {
    if (!active || !edited) return;
    if (sentRate === form.rps && sentSkew === form.keySkew && sentReads === form.readPercent) return;
    const timer = setTimeout(() => void updateLoad(), 400);
    return () => clearTimeout(timer);
  }, [active, edited, form.rps, form.readPercent, form.keySkew, sentRate, sentSkew, sentReads, updateLoad]);

  return (
    <Panel
      title="Load"
      id="load"
      actions={
        <span className={`pill ${active ? 'phase-running' : 'subtle'}`} role="status">
          {report ? report.state : 'idle'}
        </span>
      }
    >
      {scenario && (
        <p className="hint" role="note">
          The scenario “{scenario}” drives the load: a change here lasts until the scenario sets the load
          again.
        </p>
      )}
      <NumberSlider
        label="Request rate"
        unit="req/s"
        value={form.rps}
        min={0}
        max={2000}
        step={10}
        onChange={(rps) => setLoadForm({ rps })}
      />
      <NumberSlider
        label="Reads"
        unit="%"
        value={form.readPercent}
        min={0}
        max={100}
        hint="The rest are sign-ups and logins: scrypt work that drives CPU."
        onChange={(readPercent) => setLoadForm({ readPercent })}
      />
      <NumberSlider
        label="Key skew"
        value={form.keySkew}
        min={0}
        max={3}
        step={0.1}
        hint="Zipf exponent of the users read: 0 is uniform, higher means a few hot users (cache hits)."
        onChange={(keySkew) => setLoadForm({ keySkew })}
      />
      <div className="field">
        <label htmlFor="load-clients">Clients</label>
        <select
          id="load-clients"
          aria-describedby="load-clients-hint"
          value={form.clients}
          disabled={active}
          onChange={(e) => setLoadForm({ clients: e.target.value as ClientModel })}
        >
          {CLIENT_MODELS.map((model) => (
            <option key={model} value={model}>
              {CLIENT_MODEL_LABEL[model]}
            </option>
          ))}
        </select>
        <p id="load-clients-hint" className="hint">
          {CLIENT_MODEL_TEXT[form.clients].replace(/^./, (c) => c.toUpperCase())}.
          {active ? ' Set per run: stop and start again to change it.' : ''}
        </p>
      </div>
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={!deployed || active}
          onClick={() => void startLoad()}
        >
          Start load
        </button>
        <button type="button" disabled={!active} onClick={() => void stopLoad()}>
          Stop load
        </button>
      </div>
      {report && (
        <dl className="facts compact" aria-label="Load report">
          <dt>achieved</dt>
          <dd>{report.achievedRate.toFixed(0)} req/s</dd>
          <dt>p99</dt>
          <dd>{report.latencyMs.count === 0 ? '—' : `${report.latencyMs.p99.toFixed(1)} ms`}</dd>
          <dt>errors</dt>
          <dd>{report.errors.total}</dd>
          <dt>dropped</dt>
          <dd>{report.dropped}</dd>
          <dt>connections</dt>
          <dd title={CLIENT_MODEL_LABEL[report.clients]}>{report.connectionsOpened}</dd>
        </dl>
      )}
    </Panel>
  );
}
