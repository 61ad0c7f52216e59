// IPC handlers: one per contract channel plus the window capture. Every call is checked for its
// sender frame first; the payload is validated by the session against the channel's zod schema
// (Session.handle), so nothing unvalidated reaches the core. Results cross as { ok, value|error }.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { CAPTURE_CHANNEL, CHANNELS } from '../preload/bridge.ts';
import type { Result } from '../core/contract.ts';
import { isTrustedSender } from './security.ts';

export interface Dispatcher {
  handle(channel: string, input: unknown): Promise<Result<unknown>>;
}

const untrusted = (): Result<never> => ({
  ok: false,
  error: { code: 'FORBIDDEN', message: 'IPC from a frame that is not the Scaledeck dashboard' },
});

function trusted(event: IpcMainInvokeEvent, appUrl: () => string): boolean {
  const frame = event.senderFrame;
  return isTrustedSender(frame?.url, frame !== null && frame.parent === null, appUrl());
}

export function registerIpc(ipcMain: IpcMain, dispatcher: Dispatcher, appUrl: () => string): () => void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, (event, input: unknown) =>
      trusted(event, appUrl) ? dispatcher.handle(channel, input) : untrusted(),
    );
  }
  ipcMain.handle(CAPTURE_CHANNEL, async (event, input: unknown): Promise<Result<Uint8Array>> => {
    if (!trusted(event, appUrl)) return untrusted();
    if (input !== undefined && input !== null && (typeof input !== 'object' || Object.keys(input).length > 0))
      return { ok: false, error: { code: 'VALIDATION', message: 'input: must be empty', field: 'input' } };
    return { ok: true, value: await capturePng(event.sender) };
  });
  return () => {
    for (const channel of CHANNELS) ipcMain.removeHandler(channel);
    ipcMain.removeHandler(CAPTURE_CHANNEL);
  };
}

/** What the window shows, pixel for pixel (the browser-mode export renders the whole page instead). */
async function capturePng(contents: WebContents): Promise<Uint8Array> {
  const image = await contents.capturePage();
  return new Uint8Array(image.toPNG());
}
