// @vitest-environment jsdom
import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { HorizontalAutoscaler } from '../../../electron/core/autoscaler.ts';
import { explainDecision } from '../../../electron/core/decisions/explain.ts';
import type { TimelineEvent } from '../api/channels.ts';
import { fakeApi } from '../test-support/fake-api.ts';
import { renderWithStore } from '../test-support/render.tsx';
import { DecisionExplanationCard } from './DecisionExplanationCard.tsx';
import { TimelinePanel } from './TimelinePanel.tsx';

const AT = Date.UTC(2026, 11, 3, 12);

/** A real decision of the autoscaler (4 replicas: 3 at 90 % against 50 %, one without metrics), explained. */
function explainedLine(): TimelineEvent {
  const hpa = new HorizontalAutoscaler({
    minReplicas: 2,
    maxReplicas: 10,
    targetCpuUtilizationPercent: 50,
    profile: 'kubernetes',
  });
  const pod = (name: string, cpu?: number) => ({
    name,
    ready: true,
    startedAt: AT - 3_600_000,
    ...(cpu === undefined ? {} : { cpuUtilizationPercent: cpu }),
  });
  const decided = hpa.decide(AT, 4, [pod('api-1', 90), pod('api-2', 90), pod('api-3', 90), pod('api-4')]);
  const explanation = explainDecision(decided);
  if (!explanation) throw new Error('no explanation');
  return { type: 'autoscaler', seq: 1, at: AT, decision: { ...decided, explanation } } as TimelineEvent;
}

describe('the timeline explains Scaledeck’s own decisions', () => {
  it('an autoscaler line opens a card with the replicas left out and each step’s numbers', () => {
    renderWithStore(<TimelinePanel />, fakeApi(), { events: [explainedLine()] });
    const summary = screen.getByText(/^Autoscaler 4 → 6/);
    const details = summary.closest('details')!;
    expect(details.open).toBe(false);
    fireEvent.click(summary);
    expect(details.open).toBe(true);
    const card = within(details).getByLabelText('Decision explanation');
    expect(within(card).getByText(/left out: missing metrics/)).toBeTruthy();
    // avg(90, 90, 90) = 90 on 3 ready: ceil(5.4) = 6; the missing one counts 0 %: avg 67 → ceil(4 × 1.34) = 6.
    expect(within(card).getByText(/ceil\(3 × 90 % \/ 50 %\) = ceil\(5\.4\) = 6/)).toBeTruthy();
    expect(within(card).getByText(/conservative re-computation for a scale-up/)).toBeTruthy();
    expect(within(card).getByText(/max\(\+100 % of 4 = 8, \+4 pods = 8\) per 15 s → at most 8/)).toBeTruthy();
    expect(card.querySelector('[data-step="result"] dd')?.textContent).toBe('4 → 6');
  });
});

describe('a reconstruction of the real HPA’s decision', () => {
  it('says first, in the danger colour, when Scaledeck’s count differs from the HPA’s', () => {
    const line = explainedLine();
    if (line.type !== 'autoscaler' || !line.decision.explanation) throw new Error('no explanation');
    const differs = {
      ...line.decision.explanation,
      desiredReplicas: 7,
      reconstruction: { desiredReplicas: 6, matches: false },
    };
    const { container } = render(<DecisionExplanationCard explanation={differs} />);
    const card = container.querySelector('.decision-card');
    expect(card?.classList.contains('decision-differs')).toBe(true);
    expect(card?.firstElementChild?.textContent).toBe(
      "≠ Scaledeck's reconstruction: 6, the HPA decided 7 — they differ",
    );
    const agrees = { ...differs, desiredReplicas: 6, reconstruction: { desiredReplicas: 6, matches: true } };
    const again = render(<DecisionExplanationCard explanation={agrees} />).container;
    expect(again.querySelector('.decision-differs')).toBeNull();
    expect(again.textContent).toMatch(/reconstruction of the HPA's decision \(it agrees: 6\)/);
  });
});
