import { useApp } from '../store/store.ts';
import { seriesKey } from '../store/slices/metrics-slice.ts';
import { formatValue } from '../charts/format.ts';
import { displayName } from '../charts/series-name.ts';
import type { ReplicaStatus } from '../api/channels.ts';
import { Panel } from './Panel.tsx';
import { describeSpread, replicaSpread } from './replica-spread.ts';

const HEALTH: Record<ReplicaStatus['state'], string> = {
  pending: 'no node has room',
  starting: 'starting',
  ready: 'healthy',
  unhealthy: 'failing',
  stopped: '—',
  draining: 'draining',
};

// A stable empty list: a fresh [] per read would make the store look changed on every render.
const NO_REPLICAS: ReplicaStatus[] = [];

/**
 * One row per replica: id, state, health (with the cluster's reason when it is pending or
 * failing, e.g. the scheduler's "0/1 nodes are available: 1 Insufficient cpu"), CPU and
 * requests/s from its own metrics, and its share of the ready replicas' requests. The footer's
 * max/min ratio makes "the load balancer spreads evenly" a number (1.00 is perfectly even).
 */
export function ReplicaTable() {
  const replicas = useApp((s) => s.status?.replicas ?? NO_REPLICAS);
  // Re-read the latest per-replica values when new points land.
  useApp((s) => s.metricsVersion);
  const series = useApp((s) => s.series);
  const stack = useApp((s) => s.status?.stack);
  const latest = (chart: string, r: ReplicaStatus) => {
    const e = series.get(seriesKey(chart, r.id)) ?? series.get(seriesKey(chart, r.name));
    return e?.buffer.last?.v ?? null;
  };
  // Only ready replicas serve: a starting or draining one would read as uneven spread.
  const rates = replicas.map((r) => (r.state === 'ready' ? latest('requestRatePerReplica', r) : null));
  const spread = replicaSpread(rates);
  // Only targets with nodes name them; a Docker stack keeps its six columns.
  const showNode = replicas.some((r) => r.node !== undefined);
  const columns = showNode ? 7 : 6;
  return (
    <Panel title="Replicas in detail" id="replica-table">
      <table className="replicas" aria-label="Replicas">
        <thead>
          <tr>
            <th scope="col">ID</th>
            <th scope="col">State</th>
            <th scope="col">Health</th>
            {showNode && <th scope="col">Node</th>}
            <th scope="col" className="num">
              CPU
            </th>
            <th scope="col" className="num">
              Requests/s
            </th>
            <th scope="col" className="num">
              Share
            </th>
          </tr>
        </thead>
        <tbody>
          {replicas.length === 0 && (
            <tr>
              <td colSpan={columns} className="muted">
                No replicas
              </td>
            </tr>
          )}
          {replicas.map((r, i) => (
            <tr key={r.name} data-state={r.state}>
              <td className="mono" title={`${r.name} (${r.id})`}>
                {displayName(r.name, stack)}
              </td>
              <td>
                <span className={`dot-label state-${r.state}`}>{r.state}</span>
              </td>
              <td>
                {HEALTH[r.state]}
                {r.reason !== undefined && <div className="muted replica-reason">{r.reason}</div>}
              </td>
              {showNode && <td className="mono">{r.node ?? '—'}</td>}
              <td className="num">{formatValue('percent', latest('cpuPerReplica', r))}</td>
              <td className="num">{formatValue('req/s', latest('requestRatePerReplica', r))}</td>
              <td className="num">{percentText(spread.shares[i] ?? null)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th
              scope="row"
              colSpan={columns - 2}
              title="Highest over lowest request rate of the ready replicas"
            >
              Spread (max/min req/s)
            </th>
            <td className="num" colSpan={2} data-testid="replica-spread">
              {describeSpread(spread)}
            </td>
          </tr>
        </tfoot>
      </table>
    </Panel>
  );
}

const percentText = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)} %`);
