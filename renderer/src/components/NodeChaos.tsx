import { useState } from 'react';
import type { NodeSummary } from '../api/channels.ts';
import { useApp } from '../store/store.ts';

// A stable empty list, so the store does not look changed on every render.
const NO_NODES: NodeSummary[] = [];

/**
 * Drain a node (cordon, then evict the stack's pods through the Eviction API: the API's
 * PodDisruptionBudget lets one go at a time) or uncordon it. Only where the target has nodes.
 */
export function NodeChaos({ disabled }: { disabled: boolean }) {
  const nodes = useApp((s) => s.status?.capacity?.nodes ?? NO_NODES);
  const nodeChaos = useApp((s) => s.nodeChaos);
  const [chosen, setChosen] = useState('');
  const [busy, setBusy] = useState(false);
  if (nodes.length === 0) return null;
  const node = nodes.find((n) => n.name === chosen) ?? nodes[0]!;
  const run = async (action: 'drain' | 'uncordon') => {
    setBusy(true);
    try {
      await nodeChaos(action, node.name);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="node-chaos">
      <label>
        Node{' '}
        <select value={node.name} onChange={(e) => setChosen(e.target.value)} disabled={disabled || busy}>
          {nodes.map((n) => (
            <option key={n.name} value={n.name}>
              {n.name} ({n.state === 'ready' ? `${n.apiPods} API pods` : n.state})
            </option>
          ))}
        </select>
      </label>
      {node.state === 'cordoned' ? (
        <button type="button" disabled={disabled || busy} onClick={() => void run('uncordon')}>
          Uncordon {node.name}
        </button>
      ) : (
        <button
          type="button"
          className="danger-outline"
          disabled={disabled || busy}
          title="Cordon it and evict the stack’s pods through the Eviction API (one API pod at a time)"
          onClick={() => void run('drain')}
        >
          {busy ? 'Draining…' : 'Drain node'}
        </button>
      )}
    </div>
  );
}
