// What a scenario is doing: the current step (caption, actions, time to the next), every step with
// the current one marked, the expectations with their outcome, and how the load was sized.
import type { ExpectationResult, ScenarioStatus } from '../../api/channels.ts';
import { stepNumber } from '../../store/describe-event.ts';
import { useApp } from '../../store/store.ts';
import { formatMinutes, useCountdown } from './countdown.ts';

export const STATE_LABEL: Record<ScenarioStatus['state'], string> = {
  deploying: 'Deploying',
  calibrating: 'Calibrating',
  playing: 'Playing',
  paused: 'Paused',
  finished: 'Finished',
  stopped: 'Stopped',
  failed: 'Failed',
};

/** "next step in 0:12", "ends in 0:12" on the last step, "paused, 0:12 left"; null when ended. */
export function countdownText(status: ScenarioStatus, remaining: number | null): string | null {
  if (remaining === null) return null;
  const time = formatMinutes(remaining);
  if (status.state === 'paused') return `paused, ${time} left in this step`;
  return status.step >= status.steps.length - 1 ? `ends in ${time}` : `next step in ${time}`;
}

/** What the scenario does before its first step, in words. */
export function preludeText(status: ScenarioStatus): string | null {
  if (status.state === 'deploying') return 'Deploying the stack first…';
  if (status.state === 'calibrating')
    return 'Calibrating: measuring the rate one replica serves at the autoscaler’s target…';
  return null;
}

export function ScenarioProgress({ status }: { status: ScenarioStatus }) {
  const receivedAt = useApp((s) => s.scenarioReceivedAt);
  const remaining = useCountdown(status, receivedAt);
  const current = status.steps[status.step];
  const prelude = preludeText(status);
  const countdown = countdownText(status, remaining);
  return (
    <div className="scenario-progress" data-state={status.state}>
      <p className="scenario-title">
        <strong>{status.title}</strong>
      </p>
      {prelude && <p className="scenario-prelude">{prelude}</p>}
      {current && (
        <div className="scenario-current" aria-label="Current step" role="group">
          <div className="scenario-current-head">
            <span data-testid="scenario-step">
              Step {stepNumber(status.step)} of {status.steps.length}
            </span>
            {countdown && (
              <span className="scenario-countdown" data-testid="scenario-countdown">
                {countdown}
              </span>
            )}
          </div>
          {current.caption && (
            <p className="scenario-caption" data-testid="scenario-caption">
              {current.caption}
            </p>
          )}
          {current.actions.length > 0 && (
            <ul className="scenario-actions" aria-label="What this step does">
              {current.actions.map((a) => (
                <li key={a}>{a}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {status.detail && (
        <div className={`callout ${status.state === 'failed' ? 'error' : 'warn'}`} role="note">
          {status.detail}
        </div>
      )}
      <ol className="scenario-steps" aria-label="Scenario steps">
        {status.steps.map((s) => (
          <li
            key={s.index}
            aria-current={s.index === status.step ? 'step' : undefined}
            className={s.index < status.step ? 'done' : undefined}
          >
            <span className="scenario-step-no">{stepNumber(s.index)}</span>
            <span className="scenario-step-text">{s.caption ?? s.actions.join('; ')}</span>
            <span className="scenario-step-time">{formatMinutes(s.seconds * 1000)}</span>
          </li>
        ))}
      </ol>
      {status.expectations.length > 0 && <Expectations expectations={status.expectations} />}
      {status.calibration && (
        <p className="scenario-calibration muted" data-testid="scenario-calibration">
          Load sized from {Math.round(status.calibration.perReplicaRps)} req/s per replica:{' '}
          {status.calibration.basis}
        </p>
      )}
    </div>
  );
}

const BADGE: Record<ExpectationResult['state'], string> = {
  met: 'met',
  missed: 'missed',
  pending: 'pending',
};

export function Expectations({ expectations }: { expectations: ExpectationResult[] }) {
  return (
    <ul className="scenario-expectations" aria-label="Expectations">
      {expectations.map((e) => (
        <li key={`${e.step}-${e.text}`} data-state={e.state}>
          <span className={`badge badge-${e.state}`}>{BADGE[e.state]}</span>
          <span>
            Step {stepNumber(e.step)}: {e.text}
            {e.detail && <span className="muted"> ({e.detail})</span>}
          </span>
        </li>
      ))}
    </ul>
  );
}
