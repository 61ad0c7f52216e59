/**
 * Desired state lives on the engine, so any process can re-attach: container labels cannot
 * change, so each change is a new created-never-started container with a higher seq.
 */
import { ScaledeckError } from '../../errors.ts';
import { resolveImages } from '../../settings.ts';
import { containerName, removeContainer } from './containers.ts';
import { LABEL } from './labels.ts';
import type { StackRuntime } from './runtime.ts';
import { stateSpec, type DesiredState } from './stack-spec.ts';
import { parseStateLabels } from './stored-state.ts';

export type StoredState = DesiredState & { writtenAtMs: number };

export class DesiredStateStore {
  /** The seq this process wrote last: reconcile tells its own changes from other processes'. */
  lastWrittenSeq = -1;

  private readonly runtime: StackRuntime;

  constructor(runtime: StackRuntime) {
    this.runtime = runtime;
  }

  async read(): Promise<StoredState | null> {
    let best: StoredState | null = null;
    for (const info of await this.runtime.list('state')) {
      const state = parseStateLabels(containerName(info), info.Labels);
      if (best !== null && state.seq <= best.seq) continue;
      best = { ...state, writtenAtMs: info.Created * 1000 };
    }
    return best;
  }

  async write(change: Partial<Omit<DesiredState, 'seq'>>): Promise<DesiredState> {
    const { docker, stack, names, settings } = this.runtime;
    const current = await this.read();
    const next: DesiredState = {
      desiredReplicas: change.desiredReplicas ?? current?.desiredReplicas ?? 0,
      autoscaler: change.autoscaler !== undefined ? change.autoscaler : (current?.autoscaler ?? null),
      seq: (current?.seq ?? 0) + 1,
    };
    await docker.createContainer(stateSpec({ stack, names }, resolveImages(settings).redis, next));
    this.lastWrittenSeq = next.seq;
    // Older records go only after the new one exists: a crash in between leaves the newest winning.
    const stale = (await this.runtime.list('state')).filter(
      (info) => Number(info.Labels[LABEL.stateSeq]) < next.seq,
    );
    await Promise.all(stale.map((info) => removeContainer(docker, info.Id)));
    return next;
  }

  async require(): Promise<StoredState> {
    const state = await this.read();
    if (state === null) {
      throw new ScaledeckError(
        'NOT_DEPLOYED',
        `stack ${this.runtime.stack} is not deployed on this engine; run deploy first`,
      );
    }
    return state;
  }

  /** Teardown: the records go first, so a controller elsewhere stops reconciling. */
  async removeAll(): Promise<void> {
    for (const info of await this.runtime.list('state')) await removeContainer(this.runtime.docker, info.Id);
  }
}
