import { useMemo } from 'react';
import { useApp } from '../store/store.ts';
import { viewEvents } from '../store/view.ts';
import { describeEvent, markerKind } from '../store/describe-event.ts';
import { formatClock } from '../charts/format.ts';
import { DecisionExplanationCard } from './DecisionExplanationCard.tsx';
import { Panel } from './Panel.tsx';

const SHOWN = 60;

/**
 * Newest first: scaling, autoscaler decisions, chaos, load, errors and a scenario's steps (with their
 * captions) and expectation outcomes, in the order they happened.
 */
export function TimelinePanel() {
  const events = useApp(viewEvents);
  const shown = useMemo(() => events.slice(-SHOWN).reverse(), [events]);
  return (
    <Panel title="Timeline" id="timeline">
      <ol className="timeline" aria-label="Timeline events">
        {shown.length === 0 && <li className="muted">Nothing has happened yet.</li>}
        {shown.map((e) => (
          <li
            key={`${e.seq}-${e.at}-${e.type}`}
            className={`tl tl-${markerKind(e) ?? e.type}`}
            data-type={e.type}
            data-outcome={e.type === 'scenario' ? e.expectation?.state : undefined}
          >
            <time dateTime={new Date(e.at).toISOString()}>{formatClock(e.at)}</time>
            <span className="tl-kind">{e.type}</span>
            {e.type === 'autoscaler' && e.decision.explanation ? (
              // Scaledeck's own decisions carry their arithmetic: one click opens it.
              <details className="tl-text">
                <summary>{describeEvent(e)}</summary>
                <DecisionExplanationCard explanation={e.decision.explanation} />
              </details>
            ) : e.type === 'autoscaler' && e.decision.detail ? (
              // The shortened line is what a person reads aloud; the HPA's own words are one click away.
              <details className="tl-text">
                <summary>{describeEvent(e)}</summary>
                <span className="tl-detail">{e.decision.detail}</span>
              </details>
            ) : e.type === 'scenario' && e.expectation ? (
              <span className="tl-text">
                <span className={`badge badge-${e.expectation.state}`}>{e.expectation.state}</span>{' '}
                {describeEvent(e)}
              </span>
            ) : (
              <span className="tl-text">{describeEvent(e)}</span>
            )}
          </li>
        ))}
      </ol>
    </Panel>
  );
}
