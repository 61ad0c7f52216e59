import type { ScaleDecision, TimelineEvent, UiEvent } from '../../api/channels.ts';
import type { Slice } from '../types.ts';

/** Events kept in the page; the core's timeline holds the full history. */
export const TIMELINE_CAPACITY = 2000;

export interface TimelineSlice {
  /** Oldest first, without metrics ticks (they go to the series). */
  events: TimelineEvent[];
  lastSeq: number;
  lastDecision: ScaleDecision | null;
  loadTimeline(): Promise<void>;
  /**
   * Routes one pushed event to the slice that owns it. History (timeline:list) is only recorded:
   * a past target switch must not move the dashboard off the session's current target.
   */
  applyEvent(event: UiEvent & { seq?: number }, history?: boolean): void;
}

export const createTimelineSlice: Slice<TimelineSlice> =
  ({ api }) =>
  (set, get) => {
    let statusTimer: ReturnType<typeof setTimeout> | undefined;
    // Replica events come in bursts (a scale of 5 is 10 events): one status read per burst.
    const refreshSoon = () => {
      if (statusTimer !== undefined) return;
      statusTimer = setTimeout(() => {
        statusTimer = undefined;
        void get().refreshStatus();
      }, 250);
    };

    const record = (event: TimelineEvent) => {
      set((s) => ({
        events:
          s.events.length >= TIMELINE_CAPACITY
            ? [...s.events.slice(1 - TIMELINE_CAPACITY), event]
            : [...s.events, event],
      }));
    };

    return {
      events: [],
      lastSeq: 0,
      lastDecision: null,
      async loadTimeline() {
        try {
          const events = await api.invoke('timeline:list', {});
          for (const e of events) get().applyEvent(e, true);
        } catch (error) {
          get().reportError('Timeline', error);
        }
      },
      applyEvent(raw, history = false) {
        // Replays after a reconnect (Last-Event-ID) and the initial list may overlap: seq decides.
        if (raw.seq !== undefined && raw.seq <= get().lastSeq) return;
        if (raw.seq !== undefined) set({ lastSeq: raw.seq });
        // Metrics ticks go to the series and progress ticks to the progress panel, not the timeline.
        if (raw.type === 'metrics') return get().queuePoints(raw.points);
        if (raw.type === 'progress') return get().applyProgress(raw.step, raw.percent, raw.log);
        // Without a seq (a transport that does not number events) the event is kept as it comes.
        const event = { ...raw, seq: raw.seq ?? get().lastSeq } as TimelineEvent;
        switch (event.type) {
          case 'autoscaler':
            set({ lastDecision: event.decision });
            break;
          case 'load':
            get().setLoadReport(event.report);
            break;
          case 'deploy':
            get().applyDeployEvent(event.status, event.step);
            refreshSoon();
            break;
          case 'replica':
          case 'scale':
          case 'chaos':
            refreshSoon();
            break;
          case 'target':
            if (!history) get().applyTargetEvent(event);
            break;
          case 'scenario':
            if (!history) get().applyScenarioEvent(event);
            break;
          case 'error':
            break;
        }
        record(event);
      },
    };
  };
