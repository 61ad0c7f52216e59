// The one module that talks to the core. In Electron it calls the preload's named methods; in
// browser mode it POSTs to /api/invoke/<channel> and reads server-sent events from /api/events.
// Everything else in the renderer reads the store.
import { methodName, type ScaledeckBridge } from '../../../electron/preload/bridge.ts';
import type { Channel, ErrorData, InputOf, Result, TimelineEvent, UiEvent, ValueOf } from './channels.ts';

export class ApiError extends Error {
  readonly code: string;
  readonly field: string | undefined;
  constructor(error: ErrorData) {
    super(error.message);
    this.name = 'ApiError';
    this.code = error.code;
    this.field = error.field;
  }
}

export type ConnectionState = 'connecting' | 'open' | 'lost';

export interface Api {
  readonly mode: 'electron' | 'browser';
  invoke<C extends Channel>(channel: C, input: InputOf<C>): Promise<ValueOf<C>>;
  /** Pushed events, in order; returns unsubscribe. */
  subscribe(
    onEvent: (event: UiEvent & { seq?: number }) => void,
    onConnection?: (state: ConnectionState) => void,
  ): () => void;
  /** PNG of the window from the shell, when the shell can do it (Electron); null in browser mode. */
  capturePage(): Promise<Blob | null>;
}

function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new ApiError(result.error);
}

export function electronApi(bridge: ScaledeckBridge): Api {
  return {
    mode: 'electron',
    async invoke(channel, input) {
      const method = bridge[methodName(channel)] as (i: unknown) => Promise<Result<never>>;
      return unwrap(await method(input));
    },
    subscribe(onEvent, onConnection) {
      onConnection?.('open');
      return bridge.onEvent(onEvent);
    },
    async capturePage() {
      const bytes = unwrap(await bridge.capturePage());
      return new Blob([new Uint8Array(bytes)], { type: 'image/png' });
    },
  };
}

/**
 * Channels whose repetition changes nothing (reads, and commands that set a state). A request that
 * failed before any answer (a dropped connection) is sent once more only for these: a second
 * chaos:kill would kill a second replica, a second load:start would start another run.
 */
const REPEATABLE: ReadonlySet<Channel> = new Set<Channel>([
  'targets:list',
  'stack:status',
  'stack:deploy',
  'stack:scale',
  'stack:teardown',
  'autoscaler:set',
  'load:update',
  'load:stop',
  'load:status',
  'chaos:restore',
  'metrics:charts',
  'metrics:snapshot',
  'timeline:list',
  'target:current',
  // Selecting the target the session is already on is a no-op.
  'target:select',
]);

export function browserApi(base = ''): Api {
  const post = (channel: Channel, input: unknown) =>
    fetch(`${base}/api/invoke/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input ?? {}),
    });
  return {
    mode: 'browser',
    async invoke(channel, input) {
      let response: Response;
      try {
        try {
          response = await post(channel, input);
        } catch (error) {
          if (!REPEATABLE.has(channel)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 250));
          response = await post(channel, input);
        }
      } catch (error) {
        throw new ApiError({
          code: 'UNREACHABLE',
          message: `Scaledeck is not answering (${(error as Error).message}). Is \`npm start -- --browser\` still running?`,
        });
      }
      let body: Result<never>;
      try {
        body = (await response.json()) as Result<never>;
      } catch {
        throw new ApiError({
          code: `HTTP_${response.status}`,
          message: `${channel}: HTTP ${response.status}`,
        });
      }
      return unwrap(body);
    },
    subscribe(onEvent, onConnection) {
      // EventSource reconnects by itself and sends Last-Event-ID, so the server replays what we missed.
      const source = new EventSource(`${base}/api/events`);
      onConnection?.('connecting');
      source.onopen = () => onConnection?.('open');
      source.onerror = () => onConnection?.(source.readyState === EventSource.CLOSED ? 'lost' : 'connecting');
      const listener = (message: MessageEvent<string>) => {
        try {
          const event = JSON.parse(message.data) as TimelineEvent;
          if (event.seq === undefined && message.lastEventId) event.seq = Number(message.lastEventId);
          onEvent(event);
        } catch {
          // A malformed frame is dropped rather than breaking the stream.
        }
      };
      source.addEventListener('core', listener as EventListener);
      return () => source.close();
    },
    async capturePage() {
      return null;
    },
  };
}

declare global {
  interface Window {
    scaledeck?: ScaledeckBridge;
  }
}

/** Electron when the preload put its bridge on window, browser mode otherwise. */
export function createApi(): Api {
  return window.scaledeck ? electronApi(window.scaledeck) : browserApi();
}
