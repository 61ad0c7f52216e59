import type { NodeSummary } from '../api/channels.ts';

const STATE_TEXT: Record<NodeSummary['state'], string> = {
  ready: 'Ready',
  cordoned: 'cordoned',
  tainted: 'no new pods (taint)',
  notReady: 'NotReady',
};

function cpus(value: number): string {
  return `${Number(value.toFixed(2))} CPU`;
}

/**
 * One chip per node of the cluster: its name, state, allocatable CPU and the stack's API pods on
 * it (a dot each), so a spread, a drain or a node going away is visible at a glance.
 */
export function NodeStrip({ nodes }: { nodes: readonly NodeSummary[] }) {
  if (nodes.length === 0) return null;
  return (
    <ul className="node-strip" aria-label="Nodes">
      {nodes.map((node) => (
        <li key={node.name} className={`node-chip node-${node.state}`} data-testid={`node-${node.name}`}>
          <span className="mono node-name" title={node.name}>
            {node.name}
          </span>
          <span className={`dot-label node-state-${node.state}`}>{STATE_TEXT[node.state]}</span>
          <span className="muted">{cpus(node.allocatableCpus)}</span>
          <span
            className="node-pods"
            aria-label={`${node.apiPods} API ${node.apiPods === 1 ? 'pod' : 'pods'}`}
          >
            {'●'.repeat(node.apiPods) || '—'}
          </span>
        </li>
      ))}
    </ul>
  );
}
