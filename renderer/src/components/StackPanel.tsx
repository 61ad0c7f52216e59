import { useEffect, useRef, useState } from 'react';
import { useApp } from '../store/store.ts';
import { Panel } from './Panel.tsx';
import { TargetPicker } from './TargetPicker.tsx';

const PHASE_LABEL = { absent: 'Not deployed', running: 'Running', degraded: 'Degraded' } as const;

/** Target, Deploy / Tear down, and the progress of either: steps, percentage, streaming log. */
export function StackPanel() {
  const status = useApp((s) => s.status);
  const progress = useApp((s) => s.progress);
  const deploy = useApp((s) => s.deploy);
  const teardown = useApp((s) => s.teardown);
  const target = useApp((s) => s.targets.find((t) => t.id === s.targetId));
  const [deleteVolumes, setDeleteVolumes] = useState(false);
  // While the session moves to another target, Deploy/Tear down would act on the one being left.
  const switching = useApp((s) => s.switching !== null);
  const busy = (progress.operation !== null && !progress.done) || switching;
  const phase = status?.phase ?? 'absent';
  const unavailable = target !== undefined && !target.available;

  return (
    <Panel
      title="Stack"
      id="stack"
      actions={
        <span className={`pill phase-${phase}`} role="status" aria-label={`Stack ${PHASE_LABEL[phase]}`}>
          {PHASE_LABEL[phase]}
        </span>
      }
    >
      <TargetPicker />
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={busy || unavailable}
          onClick={() => void deploy()}
        >
          Deploy
        </button>
        <button
          type="button"
          className="danger-outline"
          disabled={busy || phase === 'absent'}
          onClick={() => void teardown(deleteVolumes)}
        >
          Tear down
        </button>
        <label className="check">
          <input
            type="checkbox"
            checked={deleteVolumes}
            onChange={(e) => setDeleteVolumes(e.target.checked)}
          />
          delete data
        </label>
      </div>
      {status && phase !== 'absent' && (
        <dl className="facts">
          <dt>Load balancer</dt>
          <dd>{status.endpoints.loadBalancer ?? '—'}</dd>
          <dt>Parts</dt>
          <dd className="components">
            {Object.entries(status.components).map(([role, state]) => (
              <span key={role} className={`dot-label state-${state}`} title={`${role}: ${state}`}>
                {role}
                {state === 'pending' && ' (pending)'}
              </span>
            ))}
          </dd>
          {Object.entries(status.componentReasons ?? {}).map(([role, reason]) => (
            <dd key={role} className="component-reason" data-testid={`component-reason-${role}`}>
              {role} {status.components[role as keyof typeof status.components]}: {reason}
            </dd>
          ))}
          {status.dataLocality !== undefined && (
            <>
              <dt>Data</dt>
              <dd className="component-reason" data-testid="data-locality">
                {status.dataLocality}
              </dd>
            </>
          )}
        </dl>
      )}
      {progress.operation && <ProgressView />}
    </Panel>
  );
}

function ProgressView() {
  const progress = useApp((s) => s.progress);
  const logRef = useRef<HTMLPreElement>(null);
  // Follow the log like a terminal while it streams.
  useEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [progress.log.length]);
  const label = progress.operation === 'deploy' ? 'Deploy progress' : 'Teardown progress';
  return (
    <div className="progress-view">
      <div className="progress-line">
        <span className="progress-step">
          {progress.error ? 'Failed' : progress.done ? 'Done' : progress.step}
        </span>
        <span className="progress-percent">{Math.round(progress.percent)} %</span>
      </div>
      <div
        className={`progress-bar${progress.error ? ' failed' : ''}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(progress.percent)}
      >
        <div style={{ width: `${progress.percent}%` }} />
      </div>
      {progress.log.length > 0 && (
        <pre ref={logRef} className="log" aria-label="Build log" tabIndex={0}>
          {progress.log.join('\n')}
        </pre>
      )}
      {progress.error && (
        <div className="callout error" role="alert">
          <strong>{progress.operation === 'deploy' ? 'Deploy failed.' : 'Tear down failed.'}</strong>{' '}
          {progress.error.message}
          <span className="fix"> {whatToDo(progress.error.code)}</span>
        </div>
      )}
    </div>
  );
}

/** The next step for the errors the core names; the message itself says what went wrong. */
function whatToDo(code: string): string {
  switch (code) {
    case 'ENGINE_UNAVAILABLE':
      return 'Start Docker (e.g. `sudo systemctl start docker`), then press Deploy again.';
    case 'VALIDATION':
      return 'Correct the named field and try again.';
    case 'UNREACHABLE':
      return 'Restart Scaledeck, then reload this page.';
    default:
      return 'Fix the cause above and press Deploy again: deploy is safe to repeat.';
  }
}
