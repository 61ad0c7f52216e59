import type { ReplicaState } from '../../contract.ts';
import type { StackRuntime } from './runtime.ts';

/** Remembers each replica's last seen state: emits `ready` events and knows since when it is ready. */
export class ReplicaTransitions {
  private readonly last = new Map<string, ReplicaState>();
  private readonly readyAt = new Map<string, number>();

  private readonly runtime: StackRuntime;

  constructor(runtime: StackRuntime) {
    this.runtime = runtime;
  }

  track(id: string, name: string, state: ReplicaState, now: number): void {
    const previous = this.last.get(id);
    if (previous === state) return;
    this.last.set(id, state);
    if (state === 'ready') {
      this.readyAt.set(id, now);
      if (previous !== undefined) this.runtime.emit({ type: 'replica', at: now, kind: 'ready', name });
    }
  }

  readySince(id: string): number | undefined {
    return this.readyAt.get(id);
  }

  clear(): void {
    this.last.clear();
    this.readyAt.clear();
  }
}
