// @vitest-environment jsdom
// The replica table: each ready replica's share of the requests and the footer's max/min spread,
// from the per-replica request-rate series the feed delivers; replicas not serving stay out of it.
import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ReplicaStatus } from '../api/channels.ts';
import { fakeApi } from '../test-support/fake-api.ts';
import { stackStatus } from '../test-support/fixtures.ts';
import { renderWithStore } from '../test-support/render.tsx';
import { ReplicaTable } from './ReplicaTable.tsx';
import { describeSpread, replicaSpread } from './replica-spread.ts';

const replica = (id: string, state: ReplicaStatus['state'] = 'ready'): ReplicaStatus => ({
  name: `scaledeck-default-api-${id}`,
  id,
  state,
  startedAt: 0,
});

function renderWithRates(replicas: ReplicaStatus[], rates: Record<string, number>) {
  const { store } = renderWithStore(<ReplicaTable />, fakeApi(), { status: stackStatus({ replicas }) });
  act(() =>
    store
      .getState()
      .queuePoints(
        Object.entries(rates).map(([name, v]) => ({ chart: 'requestRatePerReplica', name, t: 1000, v })),
      ),
  );
  return store;
}

const spreadCell = () => screen.getByTestId('replica-spread');
const shareOf = (id: string) => {
  const row = screen.getByTitle(new RegExp(`\\(${id}\\)$`)).closest('tr')!;
  return within(row).getAllByRole('cell').at(-1)!;
};

describe('ReplicaTable spread', () => {
  it('an even spread: shares near a third each and a max/min close to 1', () => {
    renderWithRates([replica('a'), replica('b'), replica('c')], { a: 50, b: 48, c: 52 });
    expect(spreadCell()).toHaveTextContent('1.08 (even)');
    expect(shareOf('a')).toHaveTextContent('33 %');
    expect(shareOf('c')).toHaveTextContent('35 %');
  });

  it('one hot pod (the keep-alive lesson): the ratio says it', () => {
    renderWithRates([replica('a'), replica('b'), replica('c')], { a: 135, b: 16.8, c: 1 });
    expect(spreadCell()).toHaveTextContent('135.00 (uneven)');
    expect(shareOf('a')).toHaveTextContent('88 %');
  });

  it('a ready replica that gets nothing while others do: ∞', () => {
    renderWithRates([replica('a'), replica('b')], { a: 80, b: 0 });
    expect(spreadCell()).toHaveTextContent('∞ (a replica gets none)');
  });

  it('a starting or draining replica is left out of the spread', () => {
    renderWithRates([replica('a'), replica('b'), replica('c', 'draining')], { a: 50, b: 50, c: 2 });
    expect(spreadCell()).toHaveTextContent('1.00 (even)');
    expect(shareOf('c')).toHaveTextContent('—');
    expect(shareOf('a')).toHaveTextContent('50 %');
  });

  it('nothing to compare before the first readings', () => {
    renderWithRates([replica('a'), replica('b')], {});
    expect(spreadCell()).toHaveTextContent('—');
  });
});

describe('replicaSpread', () => {
  it('max/min and shares; even is every share within ±25 % of 1/n', () => {
    expect(replicaSpread([10, 20, null])).toEqual({ ratio: 2, shares: [1 / 3, 2 / 3, null] });
    expect(replicaSpread([0, 0])).toEqual({ ratio: null, shares: [null, null] });
    expect(replicaSpread([5])).toEqual({ ratio: null, shares: [1] });
    // 3 pods at 26 / 33 / 41 %: 41 % is +23 % of even, 26 % is -22 %: even, at a max/min of 1.58.
    expect(describeSpread(replicaSpread([26, 33, 41]))).toBe('1.58 (even)');
    expect(describeSpread(replicaSpread([24, 33, 43]))).toBe('1.79 (uneven)');
  });
});

describe('ReplicaTable nodes', () => {
  it('names each replica’s node where the target has nodes, and a pending one has none yet', () => {
    renderWithRates(
      [{ ...replica('a'), node: 'node-1' }, { ...replica('b'), node: 'node-2' }, replica('c', 'pending')],
      {},
    );
    expect(screen.getByRole('columnheader', { name: 'Node' })).toBeInTheDocument();
    const row = (id: string) => screen.getByTitle(new RegExp(`\\(${id}\\)$`)).closest('tr')!;
    expect(within(row('a')).getByText('node-1')).toBeInTheDocument();
    expect(within(row('b')).getByText('node-2')).toBeInTheDocument();
    expect(within(row('c')).getByText('—', { selector: '.mono' })).toBeInTheDocument();
  });

  it('a stack without nodes (Docker) has no Node column', () => {
    renderWithRates([replica('a')], { a: 1 });
    expect(screen.queryByRole('columnheader', { name: 'Node' })).toBeNull();
  });
});
