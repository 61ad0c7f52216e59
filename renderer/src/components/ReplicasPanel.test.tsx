// @vitest-environment jsdom
// The replica count by hand: desired and ready, one scale request per resting slider, hands off
// (and saying so) while the autoscaler owns the count, and the 'about N fit' estimate.
import { act, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/api.ts';
import type { EnabledAutoscaler } from '../api/channels.ts';
import { fakeApi } from '../test-support/fake-api.ts';
import { ABSENT, stackStatus } from '../test-support/fixtures.ts';
import { renderWithStore } from '../test-support/render.tsx';
import { profileBehavior } from './behavior-form.ts';
import { ReplicasPanel } from './ReplicasPanel.tsx';

const AUTOSCALER: EnabledAutoscaler = {
  minReplicas: 2,
  maxReplicas: 8,
  targetCpuUtilizationPercent: 60,
  profile: 'demo',
  behavior: profileBehavior('demo'),
  enabled: true,
};

/** The slider (the range input); the number box beside it carries the same name. */
const slider = () => screen.getByRole('slider', { name: 'Replicas' });
const numberBox = () => screen.getByRole('spinbutton', { name: 'Replicas' });

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** Lets the slider rest long enough for its draft to be sent, and the answer to land. */
const rest = () => act(() => vi.advanceTimersByTimeAsync(1000));
/** A pause shorter than the rest the slider waits for: a hand still dragging it. */
const moving = () => act(() => vi.advanceTimersByTimeAsync(300));

describe('ReplicasPanel', () => {
  it('shows desired and ready replicas from the status', () => {
    renderWithStore(<ReplicasPanel />, fakeApi(), {
      status: stackStatus({ desiredReplicas: 4, readyReplicas: 3 }),
    });
    expect(screen.getByTestId('desired-replicas')).toHaveTextContent('4');
    expect(screen.getByTestId('ready-replicas')).toHaveTextContent('3');
    expect(slider()).toHaveValue('4');
    expect(slider()).toBeEnabled();
  });

  it('is disabled before a deploy, and says why', () => {
    renderWithStore(<ReplicasPanel />, fakeApi(), { status: ABSENT });
    expect(slider()).toBeDisabled();
    expect(numberBox()).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Increase Replicas' })).toBeDisabled();
    expect(slider()).toHaveAccessibleDescription('Deploy the stack to set its replicas.');
  });

  it('says the autoscaler owns the count and does not fight it', () => {
    const api = fakeApi();
    renderWithStore(<ReplicasPanel />, api, {
      status: stackStatus({ desiredReplicas: 3, autoscaler: AUTOSCALER }),
    });
    expect(slider()).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Decrease Replicas' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Increase Replicas' })).toBeDisabled();
    expect(slider()).toHaveAccessibleDescription(
      'The autoscaler owns the count (2–8 at 60 % CPU). Turn it off to scale by hand.',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Increase Replicas' }));
    expect(api.calls).toEqual([]);
  });

  it('sends one scale with the value the slider rests on, and shows it until the status does', async () => {
    const api = fakeApi({
      'stack:scale': ({ replicas }) => stackStatus({ desiredReplicas: replicas, readyReplicas: 2 }),
    });
    renderWithStore(<ReplicasPanel />, api, { status: stackStatus({ desiredReplicas: 2 }) });
    fireEvent.change(slider(), { target: { value: '3' } });
    await moving();
    fireEvent.change(slider(), { target: { value: '4' } });
    await moving();
    fireEvent.click(screen.getByRole('button', { name: 'Increase Replicas' }));
    await moving();
    expect(numberBox()).toHaveValue(5);
    expect(api.sent('stack:scale')).toEqual([]);
    await rest();
    expect(api.sent('stack:scale')).toEqual([{ replicas: 5 }]);
    expect(screen.getByTestId('desired-replicas')).toHaveTextContent('5');
    expect(screen.getByTestId('ready-replicas')).toHaveTextContent('2');
    expect(slider()).toHaveValue('5');
  });

  it('sends nothing when the slider comes back to the count it left', async () => {
    const api = fakeApi({ 'stack:scale': ({ replicas }) => stackStatus({ desiredReplicas: replicas }) });
    renderWithStore(<ReplicasPanel />, api, { status: stackStatus({ desiredReplicas: 2 }) });
    fireEvent.change(slider(), { target: { value: '3' } });
    await moving();
    fireEvent.change(slider(), { target: { value: '2' } });
    await rest();
    expect(api.calls).toEqual([]);
    expect(slider()).toHaveValue('2');
  });

  it('keeps the count inside 0..20 whatever is typed', async () => {
    const api = fakeApi({ 'stack:scale': ({ replicas }) => stackStatus({ desiredReplicas: replicas }) });
    renderWithStore(<ReplicasPanel />, api, { status: stackStatus({ desiredReplicas: 2 }) });
    fireEvent.change(numberBox(), { target: { value: '45' } });
    expect(numberBox()).toHaveValue(20);
    await rest();
    expect(api.sent('stack:scale')).toEqual([{ replicas: 20 }]);
  });

  it('snaps back to the stack’s count when the scale is refused, with a toast naming it', async () => {
    const api = fakeApi({
      'stack:scale': () => {
        throw new ApiError({
          code: 'VALIDATION',
          message: 'replicas: must be at most 6 (settings.maxReplicas)',
        });
      },
    });
    const { store } = renderWithStore(<ReplicasPanel />, api, {
      status: stackStatus({ desiredReplicas: 2 }),
    });
    fireEvent.change(slider(), { target: { value: '9' } });
    await rest();
    expect(api.sent('stack:scale')).toEqual([{ replicas: 9 }]);
    expect(slider()).toHaveValue('2');
    expect(store.getState().toasts.map((t) => `${t.action}: ${t.error.message}`)).toEqual([
      'Scale: replicas: must be at most 6 (settings.maxReplicas)',
    ]);
  });

  it('marks how many fit and warns past it, in the target’s words', () => {
    const capacity = { replicas: 4, basis: '1 node: 4 CPU allocatable over a 1 CPU request' };
    renderWithStore(<ReplicasPanel />, fakeApi({ 'stack:scale': () => stackStatus() }), {
      status: stackStatus({ target: 'kubernetes', desiredReplicas: 4, capacity }),
    });
    const mark = screen.getByText('about 4 fit');
    expect(mark).toHaveAttribute('title', capacity.basis);
    expect(screen.queryByRole('status')).toBeNull();
    fireEvent.change(slider(), { target: { value: '6' } });
    expect(screen.getByRole('status')).toHaveTextContent(
      'About 4 fit: the rest will stay Pending until a node has CPU for them.',
    );
    expect(slider()).toHaveAccessibleDescription(
      'about 4 fit About 4 fit: the rest will stay Pending until a node has CPU for them.',
    );
  });

  it('on Docker, says past the estimate the replicas share the CPU', () => {
    renderWithStore(<ReplicasPanel />, fakeApi(), {
      status: stackStatus({ desiredReplicas: 7, capacity: { replicas: 4, basis: '4 CPUs' } }),
    });
    expect(screen.getByRole('status')).toHaveTextContent(
      'About 4 fit: past that, replicas share the CPU, so each gets less than its limit.',
    );
  });
});
