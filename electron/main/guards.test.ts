/**
 * The guards every webContents gets: a stand-in webContents (an EventEmitter with
 * setWindowOpenHandler) receives the events Electron emits, and the test checks which ones are
 * prevented and which links reach openExternal. Pure logic: Electron itself is not needed.
 */
import { EventEmitter } from 'node:events';
import type { WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL, APP_ORIGIN } from './app-scheme.ts';
import { guardWebContents } from './guards.ts';

type OpenHandler = (details: { url: string }) => { action: string };

function guarded() {
  const emitter = new EventEmitter();
  let openHandler: OpenHandler | undefined;
  const contents = Object.assign(emitter, {
    setWindowOpenHandler(handler: OpenHandler) {
      openHandler = handler;
    },
  });
  const opened: string[] = [];
  guardWebContents(contents as unknown as WebContents, {
    appUrl: APP_INDEX_URL,
    openExternal: (url) => opened.push(url),
  });
  /** Emits `name` like Electron does (an event object carrying the URL); true if it was prevented. */
  const emit = (name: string, url: string): boolean => {
    let prevented = false;
    emitter.emit(name, {
      url,
      preventDefault: () => {
        prevented = true;
      },
    });
    return prevented;
  };
  const open = (url: string) => {
    if (!openHandler) throw new Error('no window open handler installed');
    return openHandler({ url });
  };
  return { emit, open, opened, listenerCount: (name: string) => emitter.listenerCount(name) };
}

describe('guardWebContents', () => {
  it('installs every guard', () => {
    const g = guarded();
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview'])
      expect(g.listenerCount(name), name).toBe(1);
    expect(g.open(APP_INDEX_URL)).toEqual({ action: 'deny' });
  });

  it('lets the app navigate within app://scaledeck/', () => {
    const g = guarded();
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      expect(g.emit(event, APP_INDEX_URL), event).toBe(false);
      expect(g.emit(event, `${APP_ORIGIN}/index.html#charts`), event).toBe(false);
    }
  });

  it.each([
    'https://example.com/',
    'http://127.0.0.1:5173/',
    'file:///etc/passwd',
    'app://other/index.html',
    'app://scaledeck@evil.test/index.html',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'https://prometheus.io/docs/',
  ])('prevents navigation, frame navigation and redirects to %s', (url) => {
    const g = guarded();
    expect(g.emit('will-navigate', url)).toBe(true);
    expect(g.emit('will-frame-navigate', url)).toBe(true);
    expect(g.emit('will-redirect', url)).toBe(true);
    // Navigation never opens anything outside: only window.open / target=_blank may, allow-listed.
    expect(g.opened).toEqual([]);
  });

  it('prevents every <webview> attach', () => {
    expect(guarded().emit('will-attach-webview', APP_INDEX_URL)).toBe(true);
  });

  it('denies new windows; allow-listed https docs open in the browser, nothing else does', () => {
    const g = guarded();
    for (const url of [
      'https://prometheus.io/docs/prometheus/latest/querying/basics/',
      'https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/',
      'https://example.com/',
      'http://prometheus.io/docs/',
      'file:///etc/passwd',
      'smb://host/share',
      APP_INDEX_URL,
    ])
      expect(g.open(url), url).toEqual({ action: 'deny' });
    expect(g.opened).toEqual([
      'https://prometheus.io/docs/prometheus/latest/querying/basics/',
      'https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/',
    ]);
  });
});
