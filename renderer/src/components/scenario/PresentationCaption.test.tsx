// @vitest-environment jsdom
// Presentation mode's caption: only in presentation mode and with a scenario, the current caption
// big with step n/N and a ticking countdown, what it does before step 1, the outcome once ended,
// and Esc (or its button) leaving presentation mode while an open dialog keeps its own Esc.
import { act, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeApi } from '../../test-support/fake-api.ts';
import { scenarioStatus } from '../../test-support/fixtures.ts';
import { renderWithStore } from '../../test-support/render.tsx';
import { PresentationCaption } from './PresentationCaption.tsx';

beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 11, 4, 10, 0, 48) }));
afterEach(() => vi.useRealTimers());

const banner = () => screen.queryByRole('region', { name: 'Scenario caption' });

function renderCaption(presentation: boolean, status = scenarioStatus()) {
  const view = renderWithStore(<PresentationCaption />, fakeApi(), { presentation });
  act(() => view.store.getState().setScenario(status));
  return view;
}

describe('PresentationCaption', () => {
  it('shows nothing outside presentation mode, or without a scenario', () => {
    renderCaption(false);
    expect(banner()).toBeNull();
    const { unmount } = renderWithStore(<PresentationCaption />, fakeApi(), { presentation: true });
    expect(banner()).toBeNull();
    unmount();
  });

  it('shows the caption big with step n/N and the countdown, ticking', async () => {
    renderCaption(true);
    expect(banner()).toBeInTheDocument();
    expect(screen.getByTestId('presentation-caption')).toHaveTextContent(
      'Now the load triples: watch CPU cross the 50 % line',
    );
    expect(screen.getByTestId('presentation-step')).toHaveTextContent('Step 2/3');
    expect(screen.getByTestId('presentation-countdown')).toHaveTextContent('next step in 0:12');
    await act(() => vi.advanceTimersByTimeAsync(2000));
    expect(screen.getByTestId('presentation-countdown')).toHaveTextContent('next step in 0:10');
  });

  it('a step without a caption shows what it does; before step 1, what is happening', () => {
    const { store } = renderCaption(true, scenarioStatus({ step: 2, remainingMs: 30_000 }));
    expect(screen.getByTestId('presentation-caption')).toHaveTextContent('load drops to 0.5× (14 req/s)');
    act(() => store.getState().setScenario(scenarioStatus({ state: 'calibrating', step: -1 })));
    expect(screen.getByTestId('presentation-caption')).toHaveTextContent(/^Calibrating: measuring/);
    expect(screen.queryByTestId('presentation-step')).toBeNull();
  });

  it('once ended, says how it ended and how many expectations were met', () => {
    renderCaption(true, scenarioStatus({ state: 'finished', remainingMs: null, nextStepAt: null }));
    expect(screen.getByTestId('presentation-caption')).toHaveTextContent(
      'Autoscaling in 90 seconds: finished, 1 of 2 expectations met',
    );
    expect(screen.queryByTestId('presentation-countdown')).toBeNull();
  });

  it('Esc leaves presentation mode, and so does its button', () => {
    const { store } = renderCaption(true);
    fireEvent.keyDown(window, { key: 'Enter' });
    expect(store.getState().presentation).toBe(true);
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(store.getState().presentation).toBe(false);
    expect(banner()).toBeNull();
    act(() => store.getState().setPresentation(true));
    fireEvent.click(screen.getByRole('button', { name: 'Leave presentation mode' }));
    expect(store.getState().presentation).toBe(false);
  });

  it('Esc inside an open dialog closes the dialog, not presentation mode', () => {
    const { store } = renderCaption(true);
    const dialog = document.createElement('dialog');
    const button = document.createElement('button');
    dialog.append(button);
    document.body.append(dialog);
    fireEvent.keyDown(button, { key: 'Escape' });
    expect(store.getState().presentation).toBe(true);
    dialog.remove();
  });
});
