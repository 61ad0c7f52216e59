import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILD_PARTS, buildIsCurrent, inputsHash, recordBuild } from './build-stamp.mjs';
import { nodeIsRecent } from './node-runtime.mjs';

const part = { name: 'app', inputs: ['src', 'config.json'], stamp: 'dist/.stamp', commands: [] };
let dir = '';

function tree(): string {
  dir = mkdtempSync(join(tmpdir(), 'scaledeck-stamp-'));
  mkdirSync(join(dir, 'src/nested'), { recursive: true });
  mkdirSync(join(dir, 'dist'));
  writeFileSync(join(dir, 'src/a.ts'), 'export const a = 1;\n');
  writeFileSync(join(dir, 'src/nested/b.ts'), 'export const b = 2;\n');
  writeFileSync(join(dir, 'config.json'), '{}\n');
  return dir;
}

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('build stamp', () => {
  it('a build is current until an input changes, is added or is removed', () => {
    const root = tree();
    expect(buildIsCurrent(root, part)).toBe(false);
    recordBuild(root, part);
    expect(buildIsCurrent(root, part)).toBe(true);
    writeFileSync(join(root, 'src/nested/b.ts'), 'export const b = 3;\n');
    expect(buildIsCurrent(root, part)).toBe(false);
    recordBuild(root, part);
    writeFileSync(join(root, 'src/c.ts'), '');
    expect(buildIsCurrent(root, part)).toBe(false);
    rmSync(join(root, 'src/c.ts'));
    expect(buildIsCurrent(root, part)).toBe(true);
  });

  it('tests, outputs and node_modules are not inputs', () => {
    const root = tree();
    const before = inputsHash(root, part);
    writeFileSync(join(root, 'src/a.test.ts'), 'it()');
    mkdirSync(join(root, 'src/node_modules'));
    writeFileSync(join(root, 'src/node_modules/x.js'), '');
    mkdirSync(join(root, 'src/dist'));
    writeFileSync(join(root, 'src/dist/out.js'), '');
    expect(inputsHash(root, part)).toBe(before);
  });

  it("the real parts' inputs exist in this checkout", () => {
    const root = join(import.meta.dirname, '../..');
    for (const { inputs } of BUILD_PARTS)
      expect(inputsHash(root, { ...part, inputs })).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('node runtime', () => {
  it('22.18 is the first Node that runs .ts files without a flag', () => {
    expect(nodeIsRecent('22.17.1')).toBe(false);
    expect(nodeIsRecent('22.18.0')).toBe(true);
    expect(nodeIsRecent('20.20.2')).toBe(false);
    expect(nodeIsRecent('24.1.0')).toBe(true);
  });
});
