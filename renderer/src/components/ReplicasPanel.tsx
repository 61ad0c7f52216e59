import { useApp } from '../store/store.ts';
import { beyondCapacity, capacityMark } from './capacity-text.ts';
import { NodeStrip } from './NodeStrip.tsx';
import { NumberSlider } from './NumberSlider.tsx';
import { Panel } from './Panel.tsx';
import { useDraft } from './use-draft.ts';

/** settings.maxReplicas' default; a lower setting is enforced by the core, which names the field. */
export const REPLICA_CEILING = 20;

/** The replica count by hand: desired vs ready, and hands off while the autoscaler owns it. */
export function ReplicasPanel() {
  const status = useApp((s) => s.status);
  const pending = useApp((s) => s.pendingReplicas);
  const scale = useApp((s) => s.scale);
  const desired = pending ?? status?.desiredReplicas ?? 0;
  const [value, setValue] = useDraft(desired, (v) => {
    if (v !== desired) void scale(v);
  });
  const deployed = status !== null && status.phase !== 'absent';
  const autoscaler = status?.autoscaler ?? null;
  const hint = !deployed
    ? 'Deploy the stack to set its replicas.'
    : autoscaler
      ? `The autoscaler owns the count (${autoscaler.minReplicas}–${autoscaler.maxReplicas} at ${autoscaler.targetCpuUtilizationPercent} % CPU). Turn it off to scale by hand.`
      : undefined;
  return (
    <Panel title="Replicas" id="replicas">
      <div className="big-numbers" aria-live="polite">
        <div>
          <span className="big" data-testid="desired-replicas">
            {status?.desiredReplicas ?? 0}
          </span>
          <span className="caption">desired</span>
        </div>
        <div>
          <span className="big" data-testid="ready-replicas">
            {status?.readyReplicas ?? 0}
          </span>
          <span className="caption">ready</span>
        </div>
      </div>
      <NumberSlider
        label="Replicas"
        value={value}
        min={0}
        max={REPLICA_CEILING}
        disabled={!deployed || autoscaler !== null}
        soft={capacityMark(status?.capacity ?? null)}
        warning={deployed ? beyondCapacity(status.target, status.capacity, value) : undefined}
        hint={hint}
        onChange={setValue}
      />
      {deployed && <NodeStrip nodes={status.capacity?.nodes ?? []} />}
    </Panel>
  );
}
