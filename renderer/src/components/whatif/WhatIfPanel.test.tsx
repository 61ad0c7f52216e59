// @vitest-environment jsdom
// The what-if panel: its empty state before any recording, a replay answered by the core's own
// replay (a recording where one replica at 40 % holds a 50 % target; at 20 % it would have
// scaled), what it sends once the controls rest, and the core's refusal naming the field; an
// opened file's recording (sent with the request, the form starting from its settings); the
// behavior form, whose edits go as overrides and whose bad values the real contract refuses.
import { act, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Recording } from '../../../../electron/core/decisions/recording.ts';
import { whatIf } from '../../../../electron/core/decisions/whatif.ts';
import { channelSchemas } from '../../../../electron/core/contract.ts';
import { parseOrThrow } from '../../../../electron/core/errors.ts';
import { ApiError } from '../../api/api.ts';
import type { EnabledAutoscaler } from '../../api/channels.ts';
import { fakeApi } from '../../test-support/fake-api.ts';
import { stackStatus } from '../../test-support/fixtures.ts';
import { renderWithStore } from '../../test-support/render.tsx';
import { profileBehavior } from '../behavior-form.ts';
import { EMPTY_TEXT, NO_RECORDING_TEXT, TOO_BIG_FIX, WhatIfPanel } from './WhatIfPanel.tsx';

const T0 = Date.UTC(2026, 11, 4, 12);
const SPEC = {
  minReplicas: 1,
  maxReplicas: 6,
  targetCpuUtilizationPercent: 50,
  profile: 'kubernetes',
} as const;
const ON: EnabledAutoscaler = { enabled: true, ...SPEC, behavior: profileBehavior('kubernetes') };

/** Ten syncs 15 s apart: one ready replica at 40 % against 50 %, so it stayed at 1. */
const RECORDING: Recording = {
  version: 1,
  target: 'docker',
  syncs: Array.from({ length: 10 }, (_, i) => ({
    at: T0 + i * 15_000,
    run: 0,
    spec: SPEC,
    currentReplicas: 1,
    desiredReplicas: 1,
    pods: [
      {
        name: 'api-1',
        ready: true,
        startedAt: T0 - 600_000,
        readySince: T0 - 590_000,
        cpuUtilizationPercent: 40,
      },
    ],
  })),
};

/**
 * A saved file's run under the Kubernetes profile: two replicas at 40 % against 50 % for a minute
 * (ceil(2 × 40 / 50) = 2), then at 10 %: ceil(2 × 10 / 50) = 1, but the 300 s scale-down window
 * still holds the 2 recommended a minute before, to the end.
 */
const FILE_SPEC = { ...SPEC, maxReplicas: 4 } as const;
const FILE: Recording = {
  version: 1,
  target: 'docker',
  syncs: Array.from({ length: 10 }, (_, i) => ({
    at: T0 + i * 15_000,
    run: 0,
    spec: FILE_SPEC,
    currentReplicas: 2,
    desiredReplicas: 2,
    pods: ['api-1', 'api-2'].map((name) => ({
      name,
      ready: true,
      startedAt: T0 - 600_000,
      readySince: T0 - 590_000,
      cpuUtilizationPercent: i < 4 ? 40 : 10,
    })),
  })),
};

/** The core as the session runs it: the contract's schema first, then the given recording's replay. */
const core = () =>
  fakeApi({
    'decisions:whatif': (input) => {
      const { recording, ...overrides } = parseOrThrow(
        channelSchemas({ maxReplicas: 10, maxLoadRps: 100 })['decisions:whatif'],
        input,
      );
      return whatIf(recording ?? RECORDING, overrides);
    },
  });

beforeAll(() => {
  // jsdom has no layout: the chart's width reads 0 and the chart stays out; the text is what is tested.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});
beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const rest = () => act(() => vi.advanceTimersByTimeAsync(1000));
const replaying = () =>
  fakeApi({ 'decisions:whatif': ({ recording: _r, ...overrides }) => whatIf(RECORDING, overrides) });

describe('WhatIfPanel', () => {
  it('says how to get a recording while the core has none', async () => {
    renderWithStore(<WhatIfPanel />, fakeApi({ 'decisions:whatif': () => null }), { status: stackStatus() });
    await rest();
    expect(screen.getByTestId('whatif-result')).toHaveTextContent(EMPTY_TEXT);
    expect(screen.queryByTestId('whatif-summary')).toBeNull();
  });

  it('first replays the run with the settings in effect: the same run, the same replica-seconds', async () => {
    const api = replaying();
    renderWithStore(<WhatIfPanel />, api, { status: stackStatus({ autoscaler: ON }) });
    await rest();
    expect(api.sent('decisions:whatif')[0]).toEqual(SPEC);
    expect(screen.getByTestId('whatif-summary')).toHaveTextContent(
      'would have reached 1 replicas at the same time; the same replica-seconds',
    );
    expect(screen.getByText(/10 syncs over 2 min 15 s/)).toBeInTheDocument();
    expect(screen.getByTestId('whatif-model')).toHaveTextContent(
      /Load model: total CPU demand of each sync kept, spread evenly over the ready replicas/,
    );
  });

  it('a lower target replays once the controls rest and says what would have changed', async () => {
    const api = replaying();
    renderWithStore(<WhatIfPanel />, api, { status: stackStatus({ autoscaler: ON }) });
    await rest();
    fireEvent.change(screen.getByRole('spinbutton', { name: 'What-if target CPU' }), {
      target: { value: '20' },
    });
    await rest();
    expect(api.sent('decisions:whatif').at(-1)).toEqual({ ...SPEC, targetCpuUtilizationPercent: 20 });
    // ceil(1 × 40 / 20) = 2 at the first sync: a second replica for the whole run.
    expect(screen.getByTestId('whatif-summary')).toHaveTextContent(/more replica-seconds/);
    expect(screen.getByRole('list', { name: 'Lines' })).toHaveTextContent('actual (recorded)');
  });

  it('shows the core’s refusal, which names the field', async () => {
    const api = fakeApi({
      'decisions:whatif': () => {
        throw new ApiError({
          code: 'VALIDATION',
          message: 'minReplicas: must not exceed maxReplicas (the recording has min 1, max 6)',
          field: 'minReplicas',
        });
      },
    });
    renderWithStore(<WhatIfPanel />, api, { status: stackStatus({ autoscaler: ON }) });
    await rest();
    expect(screen.getByRole('alert')).toHaveTextContent('minReplicas: must not exceed maxReplicas');
  });

  it('replays an opened file’s recording with the file’s settings, whatever the live stack runs', async () => {
    const api = core();
    renderWithStore(<WhatIfPanel recording={FILE} />, api, {
      status: stackStatus({ autoscaler: { ...ON, targetCpuUtilizationPercent: 80 } }),
    });
    await rest();
    const sent = api.sent('decisions:whatif');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toEqual({ ...FILE_SPEC, recording: FILE });
    expect(screen.getByRole('spinbutton', { name: 'What-if max replicas' })).toHaveValue(4);
    expect(screen.getByRole('spinbutton', { name: 'What-if target CPU' })).toHaveValue(50);
    expect(screen.getByTestId('whatif-summary')).toHaveTextContent('the same replica-seconds');
  });

  it('an opened file without a recording says so and asks the core nothing', async () => {
    const api = core();
    renderWithStore(<WhatIfPanel recording={null} />, api, { status: stackStatus({ autoscaler: ON }) });
    await rest();
    expect(screen.getByTestId('whatif-result')).toHaveTextContent(NO_RECORDING_TEXT);
    expect(api.sent('decisions:whatif')).toEqual([]);
    expect(screen.getByRole('button', { name: 'Replay again' })).toBeDisabled();
  });

  it('a shorter scale-down window goes as that one override and lets the replay scale down', async () => {
    const api = core();
    renderWithStore(<WhatIfPanel recording={FILE} />, api, { status: stackStatus() });
    await rest();
    const window = screen.getByRole('spinbutton', { name: 'What-if scale-down stabilization window' });
    // The file's profile filled the behavior its spec left out: Kubernetes' 300 s.
    expect(window).toHaveValue(300);
    expect(screen.getByTestId('whatif-behavior-summary')).toHaveTextContent('scale-down window 300 s');
    fireEvent.change(window, { target: { value: '0' } });
    await rest();
    expect(api.sent('decisions:whatif').at(-1)).toEqual({
      ...FILE_SPEC,
      behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
      recording: FILE,
    });
    // Without the window, 1 from the first sync at 10 %: fewer replica-seconds.
    expect(screen.getByTestId('whatif-summary')).toHaveTextContent(/fewer replica-seconds/);
    fireEvent.change(screen.getByRole('spinbutton', { name: 'What-if scale-up stabilization window' }), {
      target: { value: '60' },
    });
    await rest();
    expect(api.sent('decisions:whatif').at(-1)?.behavior).toEqual({
      scaleUp: { stabilizationWindowSeconds: 60 },
      scaleDown: { stabilizationWindowSeconds: 0 },
    });
  });

  it('a bad window is refused by the contract and shown under that box, not replayed', async () => {
    const api = core();
    renderWithStore(<WhatIfPanel recording={FILE} />, api, { status: stackStatus() });
    await rest();
    const before = screen.getByTestId('whatif-summary').textContent;
    const window = screen.getByRole('spinbutton', { name: 'What-if scale-down stabilization window' });
    fireEvent.change(window, { target: { value: '7200' } });
    await rest();
    const error = screen.getByRole('alert');
    expect(error).toHaveTextContent(/^behavior\.scaleDown\.stabilizationWindowSeconds: /);
    expect(window).toHaveAttribute('aria-invalid', 'true');
    expect(window.getAttribute('aria-describedby')).toBe(error.id);
    expect(screen.getByTestId('whatif-summary').textContent).toBe(before);
    // Put back, the form replays again and the error goes.
    fireEvent.change(window, { target: { value: '300' } });
    await rest();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(window).toHaveAttribute('aria-invalid', 'false');
  });

  it('a file too long for browser mode’s body limit says where it can be replayed instead', async () => {
    const api = fakeApi({
      'decisions:whatif': () => {
        throw new ApiError({ code: 'VALIDATION', message: 'body: larger than 64 kB', field: 'body' });
      },
    });
    renderWithStore(<WhatIfPanel recording={FILE} />, api, { status: stackStatus() });
    await rest();
    expect(screen.getByRole('alert')).toHaveTextContent(`body: larger than 64 kB ${TOO_BIG_FIX}`);
  });
});
