// @vitest-environment jsdom
// The first-run path: with no stack, one button deploys and plays the demo (scenario:play with
// deploy: true); the card steps aside once a stack runs, a deploy is under way or a scenario plays,
// and a read-only viewer cannot press it.
import { act, fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ShareSession } from '../../api/channels.ts';
import { fakeApi } from '../../test-support/fake-api.ts';
import { ABSENT, DEMO_SUMMARY, scenarioStatus, stackStatus } from '../../test-support/fixtures.ts';
import { renderWithStore } from '../../test-support/render.tsx';
import { FirstRunCard } from './FirstRunCard.tsx';

const playDemo = () => screen.queryByRole('button', { name: 'Play the autoscaling demo' });

describe('FirstRunCard', () => {
  it('offers the demo on an empty dashboard: one click deploys and plays it', async () => {
    let answer!: (v: ReturnType<typeof scenarioStatus>) => void;
    const api = fakeApi({
      'scenario:play': () => new Promise((resolve) => (answer = resolve)),
    });
    const { store } = renderWithStore(<FirstRunCard />, api, { status: ABSENT, scenarios: [DEMO_SUMMARY] });
    expect(screen.getByRole('region', { name: 'Nothing is deployed yet' })).toHaveTextContent(
      `Autoscaling in 90 seconds (1:30): ${DEMO_SUMMARY.description}`,
    );
    fireEvent.click(playDemo()!);
    expect(api.sent('scenario:play')).toEqual([{ name: 'autoscaling-90s', deploy: true }]);
    // Waiting for the answer: the button says so and cannot be pressed twice.
    expect(screen.getByRole('button', { name: 'Starting the demo…' })).toBeDisabled();
    await act(async () => answer(scenarioStatus({ state: 'deploying', step: -1 })));
    expect(store.getState().scenario?.state).toBe('deploying');
    expect(screen.queryByRole('region', { name: 'Nothing is deployed yet' })).toBeNull();
  });

  it('is not shown while a stack runs, a deploy is under way, or before the status is known', () => {
    const { store } = renderWithStore(<FirstRunCard />, fakeApi(), { status: null });
    expect(playDemo()).toBeNull();
    act(() => store.setState({ status: stackStatus() }));
    expect(playDemo()).toBeNull();
    act(() =>
      store.setState({
        status: ABSENT,
        progress: {
          operation: 'deploy',
          step: 'building image',
          percent: 20,
          log: [],
          error: null,
          done: false,
        },
      }),
    );
    expect(playDemo()).toBeNull();
    act(() => store.setState({ progress: { ...store.getState().progress, done: true } }));
    expect(playDemo()).toBeInTheDocument();
  });

  it('is disabled for a read-only viewer and when the target is unavailable', () => {
    const viewer: ShareSession = {
      share: true,
      canCommand: false,
      tokenRejected: false,
      sharedBy: 'laptop',
      tokenChannels: [],
    };
    const { store } = renderWithStore(<FirstRunCard />, fakeApi(), { status: ABSENT, share: viewer });
    expect(playDemo()).toBeDisabled();
    act(() =>
      store.setState({
        share: { ...viewer, canCommand: true },
        targets: [
          {
            kind: 'docker',
            id: 'docker',
            label: 'Local Docker engine',
            available: false,
            reason: 'no engine',
          },
        ],
        targetId: 'docker',
      }),
    );
    expect(playDemo()).toBeDisabled();
  });
});
