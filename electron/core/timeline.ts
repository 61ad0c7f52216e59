/**
 * The session's event log: every pushed event gets a monotonic seq (so order is unambiguous
 * across the SSE stream, replays and timeline:list); the bounded log keeps the ones worth a
 * marker on the charts (not metrics ticks, not per-line build progress).
 */
import type { SequencedEvent, TimelineEvent, UiEvent } from './contract.ts';

export type SequencedListener = (event: SequencedEvent) => void;

function isTimelineEvent(event: SequencedEvent): event is TimelineEvent {
  return event.type !== 'metrics' && event.type !== 'progress';
}

export class Timeline {
  readonly capacity: number;
  private readonly events: TimelineEvent[] = [];
  private readonly listeners = new Set<SequencedListener>();
  private seq = 0;

  constructor(capacity = 2000) {
    this.capacity = capacity;
  }

  /** Numbers the event, keeps it when it belongs on the timeline, and pushes it to listeners. */
  push(event: UiEvent): SequencedEvent {
    const sequenced = { ...event, seq: ++this.seq } as SequencedEvent;
    if (isTimelineEvent(sequenced)) {
      this.events.push(sequenced);
      if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
    }
    for (const listener of this.listeners) {
      try {
        listener(sequenced);
      } catch {
        // One broken subscriber (a closed socket) must not stop the others.
      }
    }
    return sequenced;
  }

  /** Kept events with at >= since, oldest first. */
  list(since?: number): TimelineEvent[] {
    return since === undefined ? [...this.events] : this.events.filter((event) => event.at >= since);
  }

  /** Kept events after a given seq (an SSE client's Last-Event-ID). */
  after(seq: number): TimelineEvent[] {
    return this.events.filter((event) => event.seq > seq);
  }

  get lastSeq(): number {
    return this.seq;
  }

  subscribe(listener: SequencedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clearListeners(): void {
    this.listeners.clear();
  }
}
