// Sandboxed preload: exposes window.scaledeck with one named method per contract channel, the
// event subscription and the PNG capture. Never ipcRenderer itself, never a generic invoke.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CAPTURE_CHANNEL, CHANNELS, EVENT_CHANNEL, methodName, type ScaledeckBridge } from './bridge.ts';

const methods = Object.fromEntries(
  CHANNELS.map((channel) => [
    methodName(channel),
    (input: unknown) => ipcRenderer.invoke(channel, input ?? {}),
  ]),
);

const bridge = {
  ...methods,
  onEvent(listener: (event: unknown) => void) {
    // The IPC event object (with its sender) never reaches the page: only the payload does.
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
    };
  },
  capturePage: () => ipcRenderer.invoke(CAPTURE_CHANNEL, {}),
} as unknown as ScaledeckBridge;

contextBridge.exposeInMainWorld('scaledeck', bridge);
