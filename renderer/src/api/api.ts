// The one module that talks to the core. In Electron it calls the preload's named methods; in
// browser mode it POSTs to /api/invoke/<channel> and reads server-sent events from /api/events.
// Everything else in the renderer reads the store.
import { methodName, type ScaledeckBridge } from '../../../electron/preload/bridge.ts';
import type {
  Channel,
  ErrorData,
  InputOf,
  Result,
  ShareSession,
  TimelineEvent,
  UiEvent,
  ValueOf,
} from './channels.ts';
import { savedToken, saveToken } from './share-token.ts';

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

/** A shared dashboard's read-only state and its command token (browser mode only). */
export interface ShareAccess {
  /** Where this tab stands, asked with the token it holds; a token the server refuses is forgotten. */
  read(): Promise<ShareSession>;
  /** Tries a token: kept for this tab (and sent with every request) only if the server accepts it. */
  tryToken(token: string): Promise<ShareSession>;
  /** Back to read-only. */
  forget(): void;
}

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
  /** Browser mode's share state; absent in Electron, where every command is the operator's own. */
  readonly access?: ShareAccess;
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
  'decisions:whatif',
  'decisions:recording',
  // Selecting the target the session is already on is a no-op.
  'target:select',
]);

const bearer = (token: string | null): Record<string, string> =>
  token === null ? {} : { authorization: `Bearer ${token}` };

/** The operator's own window (Electron, or browser mode on loopback): every command open. */
export const NOT_SHARED: ShareSession = {
  share: false,
  canCommand: true,
  tokenRejected: false,
  sharedBy: null,
  tokenChannels: [],
};

function shareAccess(base: string): ShareAccess {
  const ask = async (token: string | null): Promise<ShareSession> => {
    let response: Response;
    try {
      response = await fetch(`${base}/api/session`, { headers: bearer(token), cache: 'no-store' });
    } catch (error) {
      throw new ApiError({
        code: 'UNREACHABLE',
        message: `Scaledeck is not answering (${(error as Error).message})`,
      });
    }
    // A server without sharing (the UI benchmark's stand-in) has no such endpoint: nothing is locked.
    if (response.status === 404) return NOT_SHARED;
    if (!response.ok)
      throw new ApiError({ code: `HTTP_${response.status}`, message: `session: HTTP ${response.status}` });
    return (await response.json()) as ShareSession;
  };
  return {
    async read() {
      const session = await ask(savedToken());
      // A restarted server printed a new token; the old one only earns 401s.
      if (session.tokenRejected) saveToken(null);
      return session;
    },
    async tryToken(token) {
      const session = await ask(token.trim());
      if (session.canCommand) saveToken(token.trim());
      return session;
    },
    forget: () => saveToken(null),
  };
}

export function browserApi(base = ''): Api {
  const post = (channel: Channel, input: unknown) =>
    fetch(`${base}/api/invoke/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(savedToken()) },
      body: JSON.stringify(input ?? {}),
    });
  return {
    access: shareAccess(base),
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
