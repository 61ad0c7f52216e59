// What the preload puts on `window.scaledeck`: one named method per contract channel (never a
// generic invoke or ipcRenderer), an event subscription and the page capture for PNG export.
// Pure so the renderer, the preload and main agree on names without importing Electron.
import { CHANNELS } from '../core/channels.ts';
import type { Channel, InputOf, Result, UiEvent, ValueOf } from '../core/contract.ts';

export { CHANNELS };

/** The IPC channel that carries pushed events to the renderer. */
export const EVENT_CHANNEL = 'scaledeck:event';
/** The IPC channel of the shell (not the core): capture the window as PNG. */
export const CAPTURE_CHANNEL = 'app:capturePage';

type CamelSegment<S extends string> = S extends `${infer H}${infer T}` ? `${Uppercase<H>}${T}` : S;
export type MethodName<C extends string> = C extends `${infer D}:${infer V}` ? `${D}${CamelSegment<V>}` : C;

/** 'stack:deploy' -> 'stackDeploy'. */
export function methodName<C extends Channel>(channel: C): MethodName<C> {
  const [domain, verb] = channel.split(':') as [string, string];
  return `${domain}${verb.charAt(0).toUpperCase()}${verb.slice(1)}` as MethodName<C>;
}

export type ScaledeckBridge = {
  [C in Channel as MethodName<C>]: (input: InputOf<C>) => Promise<Result<ValueOf<C>>>;
} & {
  onEvent(listener: (event: UiEvent & { seq?: number }) => void): () => void;
  /** PNG bytes of the window (webContents.capturePage). */
  capturePage(): Promise<Result<Uint8Array>>;
};
