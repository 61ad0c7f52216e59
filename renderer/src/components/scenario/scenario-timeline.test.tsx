// @vitest-environment jsdom
// A scenario on the timeline and the charts: each step is a marker labelled with its number, the
// timeline shows the step's caption and each expectation's outcome.
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../../api/channels.ts';
import { describeEvent, markerKind, markerLabel } from '../../store/describe-event.ts';
import { fakeApi } from '../../test-support/fake-api.ts';
import { renderWithStore } from '../../test-support/render.tsx';
import { TimelinePanel } from '../TimelinePanel.tsx';

const base = {
  type: 'scenario',
  at: Date.UTC(2026, 11, 4, 10),
  name: 'autoscaling-90s',
  title: 'Autoscaling in 90 seconds',
} as const;
const step: TimelineEvent = { ...base, seq: 1, status: 'step', step: 1, caption: 'Now the load triples' };
const met: TimelineEvent = {
  ...base,
  seq: 2,
  status: 'expectation',
  step: 1,
  expectation: { step: 1, text: 'scales out within 60 s', state: 'met', detail: '2 → 4 at 0:41' },
};
const missed: TimelineEvent = {
  ...base,
  seq: 3,
  status: 'expectation',
  step: 2,
  expectation: { step: 2, text: 'scales in within 60 s', state: 'missed', detail: 'still 4 after 60 s' },
};
const failed: TimelineEvent = { ...base, seq: 4, status: 'failed', detail: 'the stack went away' };

describe('scenario events', () => {
  it('a step is a chart marker labelled with its number (counted from 1); other news is not', () => {
    expect(markerKind(step)).toBe('scenario');
    expect(markerLabel(step)).toBe('2');
    expect(markerKind(met)).toBeNull();
    expect(markerLabel(met)).toBeNull();
    expect(markerKind(failed)).toBeNull();
  });

  it('reads as a sentence: the caption, the outcome with what was seen, why it ended', () => {
    expect(describeEvent(step)).toBe('Step 2: Now the load triples');
    expect(describeEvent({ ...step, caption: undefined } as TimelineEvent)).toBe(
      'Step 2 of Autoscaling in 90 seconds',
    );
    expect(describeEvent(met)).toBe('Expectation met: scales out within 60 s (2 → 4 at 0:41)');
    expect(describeEvent(missed)).toBe('Expectation missed: scales in within 60 s (still 4 after 60 s)');
    expect(describeEvent(failed)).toBe('Scenario failed: Autoscaling in 90 seconds: the stack went away');
    expect(describeEvent({ ...base, status: 'started' })).toBe('Scenario started: Autoscaling in 90 seconds');
  });

  it('the timeline shows captions and expectation outcomes with a badge', () => {
    renderWithStore(<TimelinePanel />, fakeApi(), { events: [step, met, missed] });
    const items = screen.getAllByRole('listitem');
    // Newest first.
    expect(items.map((i) => i.getAttribute('data-outcome'))).toEqual(['missed', 'met', null]);
    expect(items[0]).toHaveTextContent(
      'missed Expectation missed: scales in within 60 s (still 4 after 60 s)',
    );
    expect(items[1]).toHaveTextContent('met Expectation met: scales out within 60 s');
    expect(items[0]!.querySelector('.badge-missed')).toHaveTextContent('missed');
    expect(items[1]!.querySelector('.badge-met')).toHaveTextContent('met');
    expect(items[2]).toHaveTextContent('Step 2: Now the load triples');
    expect(items[2]).toHaveClass('tl-scenario');
  });
});
