/**
 * The events a target pushes: the listeners that observe it, and the progress of long work
 * (build, deploy, teardown), which goes both to the caller's listener and onto the event stream
 * so every window sees it.
 */
import type { CoreEvent, CoreEventListener, ProgressListener } from '../../contract.ts';

/** The subscribers of one target's events. */
export class EventFanout {
  private readonly listeners = new Set<CoreEventListener>();

  /** Subscribes; the returned function unsubscribes. */
  add(listener: CoreEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  remove(listener: CoreEventListener): void {
    this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  emit(event: CoreEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  clear(): void {
    this.listeners.clear();
  }
}

/** One step of long work: step name, percent of the whole operation, and an optional log line. */
export type Progress = (step: string, percent: number, log?: string) => void;

/** A Progress that tells the caller's listener and emits the same step as a `progress` event. */
export function progressReporter(onProgress: ProgressListener, emit: (event: CoreEvent) => void): Progress {
  return (step, percent, log) => {
    const event = log === undefined ? { step, percent } : { step, percent, log };
    onProgress(event);
    emit({ type: 'progress', at: Date.now(), ...event });
  };
}
