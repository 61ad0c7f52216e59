import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronBinary } from './runtime.ts';

describe('electronBinary', () => {
  it('reports a missing runtime with a reason instead of downloading it', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'no-electron-'));
    const result = electronBinary({ ELECTRON_OVERRIDE_DIST_PATH: empty });
    expect(result).toHaveProperty('missing');
  });

  it('finds a binary at the override path', () => {
    const dist = mkdtempSync(path.join(tmpdir(), 'electron-dist-'));
    mkdirSync(dist, { recursive: true });
    const found = electronBinary({ ELECTRON_OVERRIDE_DIST_PATH: dist });
    // path.txt names the binary (e.g. "electron"); without the real package files only the override is tried.
    const name = 'path' in found ? path.basename(found.path) : 'electron';
    writeFileSync(path.join(dist, name), '');
    expect(electronBinary({ ELECTRON_OVERRIDE_DIST_PATH: dist })).toEqual({ path: path.join(dist, name) });
  });
});
