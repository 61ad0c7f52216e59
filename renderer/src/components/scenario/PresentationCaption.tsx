// Presentation mode's caption: the current step's words across the top of the charts, big and high
// contrast for the back of a room, with step n/N and the time to the next. Esc leaves presentation.
import './scenario.css';
import { useEffect } from 'react';
import { stepNumber } from '../../store/describe-event.ts';
import { isScenarioActive } from '../../store/slices/scenario-slice.ts';
import { useApp } from '../../store/store.ts';
import { useCountdown } from './countdown.ts';
import { STATE_LABEL, countdownText, preludeText } from './ScenarioProgress.tsx';

export function PresentationCaption() {
  const presentation = useApp((s) => s.presentation);
  const setPresentation = useApp((s) => s.setPresentation);
  const scenario = useApp((s) => s.scenario);
  const receivedAt = useApp((s) => s.scenarioReceivedAt);
  const remaining = useCountdown(presentation ? scenario : null, receivedAt);

  useEffect(() => {
    if (!presentation) return;
    const onKey = (e: KeyboardEvent) => {
      // An open dialog (PromQL) takes Esc for itself first.
      if (e.key !== 'Escape' || (e.target instanceof Element && e.target.closest('dialog'))) return;
      setPresentation(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [presentation, setPresentation]);

  if (!presentation || scenario === null) return null;
  const current = isScenarioActive(scenario) ? scenario.steps[scenario.step] : undefined;
  const met = scenario.expectations.filter((e) => e.state === 'met').length;
  const words = isScenarioActive(scenario)
    ? (current?.caption ?? preludeText(scenario) ?? current?.actions.join('; ') ?? scenario.title)
    : `${scenario.title}: ${STATE_LABEL[scenario.state].toLowerCase()}${
        scenario.expectations.length > 0 ? `, ${met} of ${scenario.expectations.length} expectations met` : ''
      }`;
  const countdown = countdownText(scenario, remaining);
  return (
    <section className="presentation-caption" aria-label="Scenario caption" aria-live="polite">
      <p className="presentation-caption-text" data-testid="presentation-caption">
        {words}
      </p>
      <div className="presentation-caption-meta">
        {current && (
          <span data-testid="presentation-step">
            Step {stepNumber(scenario.step)}/{scenario.steps.length}
          </span>
        )}
        {countdown && <span data-testid="presentation-countdown">{countdown}</span>}
        <button
          type="button"
          className="ghost small"
          aria-label="Leave presentation mode"
          onClick={() => setPresentation(false)}
        >
          Esc
        </button>
      </div>
    </section>
  );
}
