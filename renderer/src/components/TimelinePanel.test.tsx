// @vitest-environment jsdom
import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../api/channels.ts';
import { describeEvent } from '../store/describe-event.ts';
import { fakeApi } from '../test-support/fake-api.ts';
import { scaleDecision as decision } from '../test-support/fixtures.ts';
import { renderWithStore } from '../test-support/render.tsx';
import { TimelinePanel } from './TimelinePanel.tsx';

const hpaLine = (over: Parameters<typeof decision>[0]): TimelineEvent =>
  ({ type: 'autoscaler', seq: 1, at: Date.UTC(2026, 11, 3, 12), decision: decision(over) }) as TimelineEvent;

describe('timeline autoscaler lines', () => {
  it('an HPA line that states its outcome says the count once', () => {
    const text = describeEvent(
      hpaLine({
        currentReplicas: 2,
        desiredReplicas: 2,
        reason: 'HPA: CPU 45 % of request against 50 % → keeps 2 (within tolerance)',
      }),
    );
    expect(text).toBe('Autoscaler: HPA: CPU 45 % of request against 50 % → keeps 2 (within tolerance)');
  });

  it("Scaledeck's own decisions still lead with the change", () => {
    expect(
      describeEvent(hpaLine({ currentReplicas: 2, desiredReplicas: 4, reason: 'CPU 90 % against 50 %' })),
    ).toBe('Autoscaler 2 → 4: CPU 90 % against 50 %');
  });

  it("the HPA's full condition text is one click away", () => {
    const detail =
      'ScalingActive: the HPA was able to successfully calculate a replica count from cpu resource utilization';
    renderWithStore(<TimelinePanel />, fakeApi(), {
      events: [hpaLine({ reason: 'HPA: CPU 45 % → keeps 2', detail })],
    });
    const summary = screen.getByText('Autoscaler: HPA: CPU 45 % → keeps 2');
    const details = summary.closest('details')!;
    expect(details.open).toBe(false);
    fireEvent.click(summary);
    expect(details.open).toBe(true);
    expect(screen.getByText(detail)).toBeTruthy();
  });
});
