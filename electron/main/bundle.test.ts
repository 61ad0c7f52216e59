/**
 * The built main process (dist/electron/main.mjs, `vite build --mode main`), read as the packaged
 * app runs it: one file, modules in evaluation order. Two properties a unit test of a single module
 * cannot see: app-env.ts sets the core's environment before any core module's top level reads it,
 * and nothing resolves a path into the repository's e2e/ folder.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'scaledeck-main-bundle-'));
  await build({
    configFile: path.join(ROOT, 'vite.config.ts'),
    mode: 'main',
    logLevel: 'silent',
    build: { outDir: dir, emptyOutDir: true },
  });
  bundle = await readFile(path.join(dir, 'main.mjs'), 'utf8');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the main bundle', () => {
  it('sets SCALEDECK_SERVICE_DIR before any electron/core module runs', () => {
    const assignment = bundle.indexOf('process.env.SCALEDECK_SERVICE_DIR = appPaths.serviceDir');
    const firstCore = bundle.indexOf('// electron/core/');
    expect(assignment).toBeGreaterThan(-1);
    expect(firstCore).toBeGreaterThan(-1);
    expect(assignment).toBeLessThan(firstCore);
  });

  it('resolves no path into the repository e2e/ folder', () => {
    const lines = bundle.split('\n').filter((line) => /import\.meta\.(dirname|url)/.test(line));
    expect(lines.filter((line) => /e2e\//.test(line))).toEqual([]);
  });

  it('serves the renderer from app://, never from file://', () => {
    expect(bundle).toContain('protocol.handle(');
    expect(bundle).not.toMatch(/\.loadFile\(/);
  });
});
