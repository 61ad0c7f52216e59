// @vitest-environment jsdom
// The node strip: every node with its state, allocatable CPU and the API pods on it.
import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import '../test-support/dom.ts';
import { NodeStrip } from './NodeStrip.tsx';

describe('NodeStrip', () => {
  it('shows each node’s state, CPU and API pods', () => {
    render(
      <NodeStrip
        nodes={[
          { name: 'node-1', state: 'ready', allocatableCpus: 1.5, apiPods: 2 },
          { name: 'node-2', state: 'cordoned', allocatableCpus: 1.5, apiPods: 0 },
          { name: 'node-3', state: 'notReady', allocatableCpus: 1.5, apiPods: 1 },
        ]}
      />,
    );
    const one = within(screen.getByTestId('node-node-1'));
    expect(one.getByText('Ready')).toBeInTheDocument();
    expect(one.getByText('1.5 CPU')).toBeInTheDocument();
    expect(one.getByLabelText('2 API pods')).toHaveTextContent('●●');
    expect(within(screen.getByTestId('node-node-2')).getByText('cordoned')).toBeInTheDocument();
    expect(within(screen.getByTestId('node-node-2')).getByLabelText('0 API pods')).toHaveTextContent('—');
    expect(within(screen.getByTestId('node-node-3')).getByText('NotReady')).toBeInTheDocument();
  });

  it('draws nothing without nodes (Docker)', () => {
    const { container } = render(<NodeStrip nodes={[]} />);
    expect(container).toBeEmptyDOMElement();
  });
});
