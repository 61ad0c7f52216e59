import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CHANNELS, methodName } from './bridge.ts';

describe('preload bridge', () => {
  it('names one method per contract channel, all distinct', () => {
    const names = CHANNELS.map(methodName);
    expect(names).toContain('stackDeploy');
    expect(names).toContain('metricsSnapshot');
    expect(names).toContain('autoscalerSet');
    expect(names).toContain('targetSelect');
    expect(names).toContain('targetCurrent');
    expect(new Set(names).size).toBe(CHANNELS.length);
    for (const n of names) expect(n).toMatch(/^[a-z]+[A-Z][a-zA-Z]*$/);
  });

  it('exposes named methods only: no ipcRenderer, no generic invoke', async () => {
    const source = await readFile(new URL('./preload.ts', import.meta.url), 'utf8');
    expect(source).toMatch(/contextBridge\.exposeInMainWorld\('scaledeck', bridge\)/);
    expect(source).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
    expect(source).not.toMatch(/invoke:\s*\(/);
  });
});
