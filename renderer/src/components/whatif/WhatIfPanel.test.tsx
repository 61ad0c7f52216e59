// @vitest-environment jsdom
// The what-if panel: its empty state before any recording, a replay answered by the core's own
// replay (a recording where one replica at 40 % holds a 50 % target; at 20 % it would have
// scaled), what it sends once the controls rest, and the core's refusal naming the field.
import { act, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Recording } from '../../../../electron/core/decisions/recording.ts';
import { whatIf } from '../../../../electron/core/decisions/whatif.ts';
import { ApiError } from '../../api/api.ts';
import type { EnabledAutoscaler } from '../../api/channels.ts';
import { fakeApi } from '../../test-support/fake-api.ts';
import { stackStatus } from '../../test-support/fixtures.ts';
import { renderWithStore } from '../../test-support/render.tsx';
import { profileBehavior } from '../behavior-form.ts';
import { EMPTY_TEXT, WhatIfPanel } from './WhatIfPanel.tsx';

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
});
