import { useApp } from '../store/store.ts';
import { NodeChaos } from './NodeChaos.tsx';
import { Panel } from './Panel.tsx';

/** Break things on purpose and watch the stack recover. */
export function ChaosPanel() {
  const kill = useApp((s) => s.kill);
  const restore = useApp((s) => s.restore);
  const status = useApp((s) => s.status);
  const deployed = status !== null && status.phase !== 'absent';
  // Restore is offered only for a part of a deployed stack that is down (killed or gone).
  const down = (role: 'redis' | 'postgres') =>
    deployed && (status.components[role] === 'stopped' || status.components[role] === 'missing');
  return (
    <Panel title="Chaos" id="chaos">
      <div className="chaos-grid">
        <button
          type="button"
          className="danger-outline"
          disabled={!deployed}
          onClick={() => void kill('replica')}
        >
          Kill a replica
        </button>
        {down('redis') ? (
          <button type="button" disabled={!deployed} onClick={() => void restore('redis')}>
            Restore Redis
          </button>
        ) : (
          <button
            type="button"
            className="danger-outline"
            disabled={!deployed}
            onClick={() => void kill('redis')}
          >
            Kill Redis
          </button>
        )}
        {down('postgres') ? (
          <button type="button" disabled={!deployed} onClick={() => void restore('postgres')}>
            Restore PostgreSQL
          </button>
        ) : (
          <button
            type="button"
            className="danger-outline"
            disabled={!deployed}
            onClick={() => void kill('postgres')}
          >
            Kill PostgreSQL
          </button>
        )}
      </div>
      <NodeChaos disabled={!deployed} />
    </Panel>
  );
}
