// @vitest-environment jsdom
// Node chaos in the Chaos panel: drain the chosen node, uncordon a cordoned one; nothing on Docker.
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { NodeSummary } from '../api/channels.ts';
import { fakeApi } from '../test-support/fake-api.ts';
import { stackStatus } from '../test-support/fixtures.ts';
import { renderWithStore } from '../test-support/render.tsx';
import { ChaosPanel } from './ChaosPanel.tsx';

const node = (name: string, state: NodeSummary['state'], apiPods = 1): NodeSummary => ({
  name,
  state,
  allocatableCpus: 1,
  apiPods,
});

function renderWithNodes(nodes: NodeSummary[] | undefined) {
  const api = fakeApi({
    'chaos:drainNode': ({ node: n }) => ({ node: n, evicted: ['api-1'], kept: [] }),
    'chaos:uncordonNode': ({ node: n }) => ({ node: n }),
    'stack:status': () => status,
  });
  const status = stackStatus({
    target: 'kubernetes',
    capacity: { replicas: 3, basis: 'b', ...(nodes ? { nodes } : {}) },
  });
  renderWithStore(<ChaosPanel />, api, { status });
  return api;
}

describe('NodeChaos', () => {
  it('drains the chosen node', async () => {
    const api = renderWithNodes([node('node-1', 'ready', 2), node('node-2', 'ready')]);
    fireEvent.change(screen.getByLabelText(/Node/), { target: { value: 'node-2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Drain node' }));
    await waitFor(() => expect(api.sent('chaos:drainNode')).toEqual([{ node: 'node-2' }]));
  });

  it('offers uncordon for a cordoned node', async () => {
    const api = renderWithNodes([node('node-1', 'cordoned', 0)]);
    fireEvent.click(screen.getByRole('button', { name: 'Uncordon node-1' }));
    await waitFor(() => expect(api.sent('chaos:uncordonNode')).toEqual([{ node: 'node-1' }]));
  });

  it('is not there without nodes (Docker)', () => {
    renderWithNodes(undefined);
    expect(screen.queryByRole('button', { name: 'Drain node' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Kill a replica' })).toBeInTheDocument();
  });
});
