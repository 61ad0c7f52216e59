// @vitest-environment jsdom
// The autoscaler form: on/off, min <= max kept whichever moves, target CPU inside 1..100, what
// it sends on apply (once the controls rest while on), the core's refusal beside the field, the
// profile's behavior, the capacity warning on Max and the last decision with its reason.
import { act, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/api.ts';
import type { AutoscalerRequest, EnabledAutoscaler } from '../api/channels.ts';
import { fakeApi } from '../test-support/fake-api.ts';
import { ABSENT, scaleDecision, stackStatus } from '../test-support/fixtures.ts';
import { renderWithStore } from '../test-support/render.tsx';
import { AutoscalerPanel } from './AutoscalerPanel.tsx';
import { profileBehavior } from './behavior-form.ts';

const ON: EnabledAutoscaler = {
  enabled: true,
  minReplicas: 2,
  maxReplicas: 9,
  targetCpuUtilizationPercent: 70,
  profile: 'kubernetes',
  behavior: profileBehavior('kubernetes'),
};

/** The core's answer: what it applied, the profile's behavior filled in as the schema does. */
function applied(request: AutoscalerRequest): EnabledAutoscaler | null {
  if (!request.enabled) return null;
  const profile = request.profile ?? 'kubernetes';
  return {
    enabled: true,
    minReplicas: request.minReplicas,
    maxReplicas: request.maxReplicas,
    // The panel always sends the CPU target; the contract fills 50 only for a metrics list without CPU.
    targetCpuUtilizationPercent: request.targetCpuUtilizationPercent ?? 50,
    profile,
    behavior: profileBehavior(profile),
  };
}

const toggle = () => screen.getByRole('switch', { name: 'Autoscaler' });
const box = (name: string) => screen.getByRole('spinbutton', { name });
const set = (name: string, value: number) =>
  fireEvent.change(box(name), { target: { value: String(value) } });
const decision = () => screen.getByTestId('last-decision');

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** Lets the controls rest long enough for an edit to be applied, and the answer to land. */
const rest = () => act(() => vi.advanceTimersByTimeAsync(1000));
/** A pause shorter than the rest the form waits for: a hand still moving the controls. */
const moving = () => act(() => vi.advanceTimersByTimeAsync(300));

describe('AutoscalerPanel', () => {
  it('cannot be turned on before a deploy', () => {
    renderWithStore(<AutoscalerPanel />, fakeApi(), { status: ABSENT });
    expect(toggle()).toBeDisabled();
    expect(toggle()).not.toBeChecked();
    expect(decision()).toHaveTextContent('No decision yet: turn the autoscaler on.');
  });

  it('turning it on sends the whole form: bounds, target, profile and its behavior', async () => {
    const api = fakeApi({ 'autoscaler:set': applied });
    renderWithStore(<AutoscalerPanel />, api, { status: stackStatus() });
    expect(box('Min replicas')).toHaveValue(1);
    expect(box('Max replicas')).toHaveValue(6);
    expect(box('Target CPU')).toHaveValue(50);
    fireEvent.click(toggle());
    await rest();
    expect(api.sent('autoscaler:set')).toEqual([
      {
        enabled: true,
        minReplicas: 1,
        maxReplicas: 6,
        targetCpuUtilizationPercent: 50,
        profile: 'demo',
        behavior: profileBehavior('demo'),
      },
    ]);
    expect(toggle()).toBeChecked();
    expect(decision()).toHaveTextContent('Waiting for the first decision…');
  });

  it('turning it off sends enabled: false and nothing else', async () => {
    const api = fakeApi({ 'autoscaler:set': applied });
    renderWithStore(<AutoscalerPanel />, api, { status: stackStatus({ autoscaler: ON }) });
    expect(toggle()).toBeChecked();
    fireEvent.click(toggle());
    await rest();
    expect(api.sent('autoscaler:set')).toEqual([{ enabled: false }]);
    expect(toggle()).not.toBeChecked();
  });

  it('shows the stack’s settings while on', () => {
    renderWithStore(<AutoscalerPanel />, fakeApi(), { status: stackStatus({ autoscaler: ON }) });
    expect(box('Min replicas')).toHaveValue(2);
    expect(box('Max replicas')).toHaveValue(9);
    expect(box('Target CPU')).toHaveValue(70);
    expect(screen.getByRole('combobox', { name: 'Profile' })).toHaveValue('kubernetes');
  });

  it('keeps min <= max: raising Min lifts Max, lowering Max pulls Min down', () => {
    renderWithStore(<AutoscalerPanel />, fakeApi(), { status: stackStatus() });
    set('Min replicas', 8);
    expect(box('Min replicas')).toHaveValue(8);
    expect(box('Max replicas')).toHaveValue(8);
    set('Max replicas', 3);
    expect(box('Max replicas')).toHaveValue(3);
    expect(box('Min replicas')).toHaveValue(3);
  });

  it('keeps the target CPU inside 1..100 % and the bounds inside 1..20', () => {
    renderWithStore(<AutoscalerPanel />, fakeApi(), { status: stackStatus() });
    set('Target CPU', 150);
    expect(box('Target CPU')).toHaveValue(100);
    set('Target CPU', 0);
    expect(box('Target CPU')).toHaveValue(1);
    set('Min replicas', 0);
    expect(box('Min replicas')).toHaveValue(1);
    set('Max replicas', 99);
    expect(box('Max replicas')).toHaveValue(20);
  });

  it('while on, applies edits once the controls rest: one request with the last values', async () => {
    const api = fakeApi({ 'autoscaler:set': applied });
    renderWithStore(<AutoscalerPanel />, api, { status: stackStatus({ autoscaler: ON }) });
    set('Target CPU', 75);
    await moving();
    set('Target CPU', 80);
    await moving();
    set('Max replicas', 12);
    await moving();
    expect(api.sent('autoscaler:set')).toEqual([]);
    await rest();
    expect(api.sent('autoscaler:set')).toEqual([{ ...ON, targetCpuUtilizationPercent: 80, maxReplicas: 12 }]);
  });

  it('while off, edits stay in the form until it is turned on', async () => {
    const api = fakeApi({ 'autoscaler:set': applied });
    renderWithStore(<AutoscalerPanel />, api, { status: stackStatus() });
    set('Max replicas', 10);
    await rest();
    expect(api.calls).toEqual([]);
    fireEvent.click(toggle());
    await rest();
    expect(api.sent('autoscaler:set')).toMatchObject([{ enabled: true, maxReplicas: 10 }]);
  });

  it('shows the core’s refusal, keeps the refused value, and clears it once an edit is accepted', async () => {
    let refuse = true;
    const api = fakeApi({
      'autoscaler:set': (request) => {
        if (refuse)
          throw new ApiError({
            code: 'VALIDATION',
            field: 'maxReplicas',
            message: 'maxReplicas: must be at most 12 (settings.maxReplicas)',
          });
        return applied(request);
      },
    });
    renderWithStore(<AutoscalerPanel />, api, { status: stackStatus({ autoscaler: ON }) });
    set('Max replicas', 15);
    await rest();
    expect(screen.getByRole('alert')).toHaveTextContent(
      'maxReplicas: must be at most 12 (settings.maxReplicas)',
    );
    expect(box('Max replicas')).toHaveValue(15);
    refuse = false;
    set('Max replicas', 12);
    await rest();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(api.sent('autoscaler:set').map((r) => r.enabled && r.maxReplicas)).toEqual([15, 12]);
  });

  it('a behavior error sits under its field, not at the bottom of the panel', async () => {
    const api = fakeApi({
      'autoscaler:set': () => {
        throw new ApiError({
          code: 'VALIDATION',
          field: 'behavior.scaleDown.stabilizationWindowSeconds',
          message: 'behavior.scaleDown.stabilizationWindowSeconds: must be at most 3600',
        });
      },
    });
    renderWithStore(<AutoscalerPanel />, api, { status: stackStatus() });
    fireEvent.click(toggle());
    await rest();
    const window = screen.getByRole('spinbutton', { name: 'Scale-down stabilization window' });
    expect(window).toBeInvalid();
    expect(window).toHaveAccessibleDescription(
      'behavior.scaleDown.stabilizationWindowSeconds: must be at most 3600',
    );
    expect(screen.getAllByRole('alert')).toHaveLength(1);
    // Refused, so it stays off.
    expect(toggle()).not.toBeChecked();
  });

  it('a profile change moves the behavior still at the old defaults to the new ones', () => {
    renderWithStore(<AutoscalerPanel />, fakeApi(), { status: stackStatus() });
    const summary = screen.getByTestId('behavior-summary');
    expect(summary).toHaveTextContent('scale-up window 0 s · scale-down window 30 s (applies when on)');
    fireEvent.change(screen.getByRole('combobox', { name: 'Profile' }), { target: { value: 'kubernetes' } });
    expect(summary).toHaveTextContent('scale-up window 0 s · scale-down window 300 s (applies when on)');
    expect(screen.getByRole('spinbutton', { name: 'Scale-up policy 1 period' })).toHaveValue(15);
  });

  it('warns when Max goes past how many replicas fit', () => {
    renderWithStore(<AutoscalerPanel />, fakeApi(), {
      status: stackStatus({ target: 'kubernetes', capacity: { replicas: 4, basis: '4 CPU over 1 CPU' } }),
    });
    // Max starts at 6: past the estimate already.
    expect(screen.getByText('about 4 fit')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent(
      'About 4 fit: the rest will stay Pending until a node has CPU for them.',
    );
    set('Max replicas', 4);
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('shows the last decision: the change, CPU against the target, the limit and the reason', () => {
    renderWithStore(<AutoscalerPanel />, fakeApi(), {
      status: stackStatus({ autoscaler: ON }),
      lastDecision: scaleDecision({ limitedBy: 'max', desiredReplicas: 9 }),
    });
    const d = within(decision());
    expect(d.getByText('3 → 9')).toBeInTheDocument();
    expect(decision()).toHaveTextContent('CPU 82 % / target 50 %');
    expect(d.getByText('limited by max')).toBeInTheDocument();
    expect(
      d.getByText('CPU 82 % of requests over a 50 % target: 3 × 1.63 rounds up to 5'),
    ).toBeInTheDocument();
  });

  it('says n/a when no replica reported CPU', () => {
    renderWithStore(<AutoscalerPanel />, fakeApi(), {
      status: stackStatus({ autoscaler: ON }),
      lastDecision: scaleDecision({ averageUtilizationPercent: null }),
    });
    expect(decision()).toHaveTextContent('CPU n/a / target 50 %');
    expect(within(decision()).queryByText(/limited by/)).toBeNull();
  });
});
