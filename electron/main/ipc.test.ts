import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import { CAPTURE_CHANNEL, CHANNELS } from '../preload/bridge.ts';
import { registerIpc, type Dispatcher } from './ipc.ts';

const APP = 'file:///opt/Scaledeck/resources/app.asar/dist/renderer/index.html';
type Handler = (event: IpcMainInvokeEvent, input: unknown) => Promise<unknown> | unknown;

function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  const ipcMain = {
    handle: (channel: string, fn: Handler) => handlers.set(channel, fn),
    removeHandler: (channel: string) => handlers.delete(channel),
  } as unknown as IpcMain;
  return { ipcMain, handlers };
}

const eventFrom = (url: string, mainFrame = true) =>
  ({
    senderFrame: { url, parent: mainFrame ? null : {} },
    sender: { capturePage: async () => ({ toPNG: () => Buffer.from([0x89, 0x50, 0x4e, 0x47]) }) },
  }) as unknown as IpcMainInvokeEvent;

describe('IPC handlers', () => {
  const calls: [string, unknown][] = [];
  const dispatcher: Dispatcher = {
    handle: async (channel, input) => {
      calls.push([channel, input]);
      return { ok: true, value: 'handled' };
    },
  };

  it('registers every contract channel and the capture, and removes them', () => {
    const { ipcMain, handlers } = fakeIpcMain();
    const stop = registerIpc(ipcMain, dispatcher, () => APP);
    expect([...handlers.keys()].sort()).toEqual([...CHANNELS, CAPTURE_CHANNEL].sort());
    stop();
    expect(handlers.size).toBe(0);
  });

  it('passes the app frame’s payload to the dispatcher, which validates it', async () => {
    const { ipcMain, handlers } = fakeIpcMain();
    registerIpc(ipcMain, dispatcher, () => APP);
    await expect(handlers.get('stack:scale')!(eventFrom(APP), { replicas: 3 })).resolves.toEqual({
      ok: true,
      value: 'handled',
    });
    expect(calls.at(-1)).toEqual(['stack:scale', { replicas: 3 }]);
  });

  it('refuses other pages and sub-frames without reaching the core', async () => {
    const { ipcMain, handlers } = fakeIpcMain();
    registerIpc(ipcMain, dispatcher, () => APP);
    const before = calls.length;
    for (const event of [eventFrom('https://example.com/'), eventFrom(APP, false)]) {
      const result = (await handlers.get('stack:teardown')!(event, {})) as {
        ok: boolean;
        error: { code: string };
      };
      expect(result.ok).toBe(false);
      expect(result.error.code).toBe('FORBIDDEN');
    }
    expect(calls.length).toBe(before);
  });

  it('captures the page as PNG bytes for the app only, with an empty payload', async () => {
    const { ipcMain, handlers } = fakeIpcMain();
    registerIpc(ipcMain, dispatcher, () => APP);
    const capture = handlers.get(CAPTURE_CHANNEL)!;
    const ok = (await capture(eventFrom(APP), {})) as { ok: true; value: Uint8Array };
    expect(ok.ok).toBe(true);
    expect([...ok.value.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const bad = (await capture(eventFrom(APP), { path: '/etc' })) as { ok: false; error: { field: string } };
    expect(bad.error.field).toBe('input');
    expect(((await capture(eventFrom('https://evil.test/'), {})) as { ok: boolean }).ok).toBe(false);
  });
});
