// @vitest-environment jsdom
// The Scenarios control: the built-ins with their length, Play (deploying first on an empty
// stack), a scenario file sent as its text, the current step with a countdown that ticks on its
// own, the steps with the current one marked, expectation badges, Pause / Resume / Stop, a bad
// file's error naming its field, and the read-only share view.
import { act, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/api.ts';
import type { ScenarioStatus, ShareSession } from '../../api/channels.ts';
import { fakeApi, type Answers } from '../../test-support/fake-api.ts';
import { ABSENT, DEMO_SUMMARY, scenarioStatus, stackStatus } from '../../test-support/fixtures.ts';
import { renderWithStore } from '../../test-support/render.tsx';
import { CommandGuard } from '../CommandGuard.tsx';
import { Toasts } from '../Toasts.tsx';
import { ScenariosPanel } from './ScenariosPanel.tsx';

beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 11, 4, 10, 0, 48) }));
afterEach(() => vi.useRealTimers());

const panel = () => within(screen.getByRole('region', { name: 'Scenarios' }));
const countdown = () => screen.getByTestId('scenario-countdown');
const tick = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));
const settle = () => act(() => vi.advanceTimersByTimeAsync(0));

function renderPanel(answers: Answers = {}, state: Parameters<typeof renderWithStore>[2] = {}) {
  const api = fakeApi({ 'scenario:status': () => null, ...answers });
  const view = renderWithStore(
    <>
      <CommandGuard>
        <ScenariosPanel />
      </CommandGuard>
      <Toasts />
    </>,
    api,
    { scenarios: [DEMO_SUMMARY], status: stackStatus(), ...state },
  );
  return { api, ...view };
}

/** Puts a status in the store as if it had just arrived from the core. */
const show = (store: ReturnType<typeof renderPanel>['store'], status: ScenarioStatus) =>
  act(() => store.getState().setScenario(status));

describe('ScenariosPanel', () => {
  it('lists the built-ins with title, description and length; Play sends the name', async () => {
    const { api } = renderPanel({
      'scenario:play': () => scenarioStatus({ state: 'calibrating', step: -1 }),
    });
    const list = within(screen.getByRole('list', { name: 'Built-in scenarios' }));
    expect(list.getByText('Autoscaling in 90 seconds')).toBeInTheDocument();
    expect(list.getByText(DEMO_SUMMARY.description)).toBeInTheDocument();
    expect(list.getByText('1:30 · 3 steps')).toBeInTheDocument();
    fireEvent.click(list.getByRole('button', { name: 'Play Autoscaling in 90 seconds' }));
    await settle();
    expect(api.sent('scenario:play')).toEqual([{ name: 'autoscaling-90s' }]);
    expect(panel().getByRole('status', { name: 'Scenario Calibrating' })).toBeInTheDocument();
    expect(panel().getByText(/Calibrating: measuring the rate one replica serves/)).toBeInTheDocument();
  });

  it('deploys first when nothing is deployed, and says so', async () => {
    const { api } = renderPanel(
      { 'scenario:play': () => scenarioStatus({ state: 'deploying', step: -1 }) },
      {
        status: ABSENT,
      },
    );
    expect(panel().getByText('Nothing is deployed yet: Play deploys the stack first.')).toBeInTheDocument();
    fireEvent.click(panel().getByRole('button', { name: 'Play Autoscaling in 90 seconds' }));
    await settle();
    expect(api.sent('scenario:play')).toEqual([{ name: 'autoscaling-90s', deploy: true }]);
    expect(panel().getByText('Deploying the stack first…')).toBeInTheDocument();
  });

  it('shows the current step, its actions and a countdown that ticks every second', async () => {
    const { store } = renderPanel();
    show(store, scenarioStatus());
    const current = within(screen.getByRole('group', { name: 'Current step' }));
    expect(current.getByText('Step 2 of 3')).toBeInTheDocument();
    expect(current.getByText('Now the load triples: watch CPU cross the 50 % line')).toBeInTheDocument();
    expect(
      within(current.getByRole('list', { name: 'What this step does' })).getByText(
        'load ramps to 3× (84 req/s) over 20 s',
      ),
    ).toBeInTheDocument();
    expect(countdown()).toHaveTextContent('next step in 0:12');
    await tick(1000);
    expect(countdown()).toHaveTextContent('next step in 0:11');
    await tick(5000);
    expect(countdown()).toHaveTextContent('next step in 0:06');
    // A fresh status (the next step) restarts the count from what the core says.
    show(store, scenarioStatus({ step: 2, remainingMs: 30_000 }));
    expect(countdown()).toHaveTextContent('ends in 0:30');
  });

  it('marks the current step among all steps, with expectation badges and the calibration basis', () => {
    const { store } = renderPanel();
    show(store, scenarioStatus());
    const steps = within(screen.getByRole('list', { name: 'Scenario steps' })).getAllByRole('listitem');
    expect(steps).toHaveLength(3);
    expect(steps[1]).toHaveAttribute('aria-current', 'step');
    expect(steps[0]).not.toHaveAttribute('aria-current');
    expect(steps[0]).toHaveClass('done');
    // A step without a caption lists what it does.
    expect(steps[2]).toHaveTextContent('load drops to 0.5× (14 req/s)');
    const expectations = within(screen.getByRole('list', { name: 'Expectations' })).getAllByRole('listitem');
    expect(expectations.map((e) => e.getAttribute('data-state'))).toEqual(['met', 'pending']);
    expect(expectations[0]).toHaveTextContent('metStep 2: scales out within 60 s (2 → 4 at 0:41)');
    expect(expectations[1]).toHaveTextContent('pendingStep 3: scales in within 60 s');
    expect(screen.getByTestId('scenario-calibration')).toHaveTextContent(
      'Load sized from 28 req/s per replica: measured for 10 s on one replica at 50 % CPU',
    );
  });

  it('pauses (the countdown freezes), resumes and stops', async () => {
    const { api, store } = renderPanel({
      'scenario:pause': () => scenarioStatus({ state: 'paused', nextStepAt: null, remainingMs: 9_000 }),
      'scenario:resume': () => scenarioStatus({ remainingMs: 9_000 }),
      'scenario:stop': () =>
        scenarioStatus({
          state: 'stopped',
          nextStepAt: null,
          remainingMs: null,
          detail: 'stopped from the dashboard',
        }),
    });
    show(store, scenarioStatus());
    fireEvent.click(panel().getByRole('button', { name: 'Pause' }));
    await settle();
    expect(api.sent('scenario:pause')).toHaveLength(1);
    expect(panel().getByRole('status', { name: 'Scenario Paused' })).toBeInTheDocument();
    expect(countdown()).toHaveTextContent('paused, 0:09 left in this step');
    await tick(3000);
    expect(countdown()).toHaveTextContent('paused, 0:09 left in this step');
    fireEvent.click(panel().getByRole('button', { name: 'Resume' }));
    await settle();
    expect(api.sent('scenario:resume')).toHaveLength(1);
    expect(countdown()).toHaveTextContent('next step in 0:09');
    fireEvent.click(panel().getByRole('button', { name: 'Stop scenario' }));
    await settle();
    expect(api.sent('scenario:stop')).toHaveLength(1);
    expect(panel().getByRole('status', { name: 'Scenario Stopped' })).toBeInTheDocument();
    expect(panel().getByRole('note')).toHaveTextContent('stopped from the dashboard');
    expect(screen.queryByTestId('scenario-countdown')).toBeNull();
    // Ended: the built-ins are offered again, the player's buttons are gone.
    expect(panel().getByRole('button', { name: 'Play Autoscaling in 90 seconds' })).toBeEnabled();
    expect(panel().queryByRole('button', { name: 'Stop scenario' })).toBeNull();
  });

  it('sends an opened file as its text; a bad file is refused with the field named', async () => {
    // Reading a File is real I/O in jsdom: real timers, so the waits below can poll.
    vi.useRealTimers();
    const yaml = 'title: broken\nsteps:\n  - seconds: -5\n';
    const { api } = renderPanel({
      'scenario:play': () => {
        throw new ApiError({
          code: 'VALIDATION',
          message: 'step 1: seconds must be a positive number of seconds',
          field: 'steps.0.seconds',
        });
      },
    });
    const input = panel().getByLabelText('Open a scenario file (YAML or JSON)');
    fireEvent.change(input, { target: { files: [new File([yaml], 'broken.yaml', { type: 'text/yaml' })] } });
    await vi.waitFor(() => expect(api.sent('scenario:play')).toEqual([{ source: yaml }]));
    const toast = await screen.findByRole('alert');
    expect(toast).toHaveTextContent('Play scenario file failed.');
    expect(toast).toHaveTextContent('step 1: seconds must be a positive number of seconds');
    expect(toast).toHaveTextContent('(field: steps.0.seconds)');
    // Nothing started: the panel still offers the scenarios.
    expect(panel().queryByRole('status')).toBeNull();
  });

  it('says why the list is missing when scenarios:list fails', async () => {
    const { store } = renderPanel(
      {
        'scenarios:list': () => {
          throw new ApiError({ code: 'NOT_IMPLEMENTED', message: 'scenarios are not available here' });
        },
      },
      { scenarios: [] },
    );
    await act(() => store.getState().loadScenarios());
    expect(panel().getByRole('note')).toHaveTextContent(
      'Built-in scenarios are not available: scenarios are not available here',
    );
  });

  it('follows scenario events: the expectation outcome at once, the rest from scenario:status', async () => {
    const next = scenarioStatus({ step: 2, remainingMs: 30_000 });
    const { api, store } = renderPanel({ 'scenario:status': () => next });
    show(store, scenarioStatus());
    act(() =>
      store.getState().applyEvent({
        type: 'scenario',
        at: Date.now(),
        status: 'expectation',
        name: 'autoscaling-90s',
        title: 'Autoscaling in 90 seconds',
        step: 2,
        expectation: {
          step: 2,
          text: 'scales in within 60 s',
          state: 'missed',
          detail: 'still 4 after 60 s',
        },
        seq: 7,
      }),
    );
    const missed = within(screen.getByRole('list', { name: 'Expectations' })).getAllByRole('listitem')[1]!;
    expect(missed).toHaveAttribute('data-state', 'missed');
    expect(missed).toHaveTextContent('still 4 after 60 s');
    await tick(200);
    expect(api.sent('scenario:status')).toHaveLength(1);
    expect(screen.getByText('Step 3 of 3')).toBeInTheDocument();
  });

  it('is disabled on a read-only shared dashboard', () => {
    const viewer: ShareSession = {
      share: true,
      canCommand: false,
      tokenRejected: false,
      sharedBy: 'laptop',
      tokenChannels: [],
    };
    const { store } = renderPanel({}, { share: viewer });
    expect(panel().getByRole('button', { name: 'Play Autoscaling in 90 seconds' })).toBeDisabled();
    expect(panel().getByLabelText('Open a scenario file (YAML or JSON)')).toBeDisabled();
    show(store, scenarioStatus());
    expect(panel().getByRole('button', { name: 'Pause' })).toBeDisabled();
    expect(panel().getByRole('button', { name: 'Stop scenario' })).toBeDisabled();
    // The viewer still follows the scenario.
    expect(countdown()).toHaveTextContent('next step in 0:12');
  });
});
