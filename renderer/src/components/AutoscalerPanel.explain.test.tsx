// @vitest-environment jsdom
// The autoscaler panel's latest decision opens into its arithmetic (DecisionExplanationCard):
// collapsed to the headline at first, one click shows the replicas and each step's numbers.
import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { HorizontalAutoscaler } from '../../../electron/core/autoscaler.ts';
import { explainDecision } from '../../../electron/core/decisions/explain.ts';
import type { EnabledAutoscaler } from '../api/channels.ts';
import { fakeApi } from '../test-support/fake-api.ts';
import { scaleDecision, stackStatus } from '../test-support/fixtures.ts';
import { renderWithStore } from '../test-support/render.tsx';
import { AutoscalerPanel } from './AutoscalerPanel.tsx';
import { profileBehavior } from './behavior-form.ts';

const AT = Date.UTC(2026, 11, 4, 12);
const ON: EnabledAutoscaler = {
  enabled: true,
  minReplicas: 2,
  maxReplicas: 10,
  targetCpuUtilizationPercent: 50,
  profile: 'kubernetes',
  behavior: profileBehavior('kubernetes'),
};

/** A real decision: 3 replicas at 90 % against 50 %, one without metrics, explained. */
function explained() {
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
  return { ...decided, explanation };
}

describe('AutoscalerPanel explains its latest decision', () => {
  it('is collapsed to the headline, and opens to the replicas and each step', () => {
    renderWithStore(<AutoscalerPanel />, fakeApi(), {
      status: stackStatus({ autoscaler: ON }),
      lastDecision: explained(),
    });
    const panel = screen.getByTestId('last-decision');
    expect(panel).toHaveTextContent('4 → 6');
    const summary = within(panel).getByText(/^Why 6\?/);
    const details = summary.closest('details')!;
    expect(details.open).toBe(false);
    fireEvent.click(summary);
    expect(details.open).toBe(true);
    const card = within(details).getByLabelText('Decision explanation');
    expect(within(card).getByText('api-4').closest('li')).toHaveTextContent('left out: missing metrics');
    expect(card.querySelector('[data-step="formula"]')).toHaveTextContent('ceil(');
    expect(card.querySelector('[data-step="result"]')).toHaveTextContent('6');
  });

  it('a decision without an explanation (the Kubernetes HPA’s own) shows no card', () => {
    renderWithStore(<AutoscalerPanel />, fakeApi(), {
      status: stackStatus({ autoscaler: ON }),
      lastDecision: scaleDecision(),
    });
    expect(screen.getByTestId('last-decision')).toHaveTextContent('3 → 5');
    expect(screen.queryByLabelText('Decision explanation')).toBeNull();
    expect(screen.getByTestId('last-decision').querySelector('details')).toBeNull();
  });
});
