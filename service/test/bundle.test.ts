// scripts/own-source-map.mjs: the image's source map keeps only service/src mappings. Checked
// against esbuild's full map of the real bundle through Node's own SourceMap (what
// --enable-source-maps uses): every bundle position that maps into src/ maps to the same place,
// and no position in dependency code maps anywhere (a stale mapping would blame a src/ line).
import { SourceMap, type SourceMapping, type SourceMapPayload } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { keepOwnSources } from '../scripts/own-source-map.mjs';

const SERVICE_DIR = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = 'dist/main.js';
const isDependency = (source: string) => /(^|\/)node_modules\//.test(source);

describe.skipIf(!existsSync(`${SERVICE_DIR}${ENTRY}`))('own-source-map', () => {
  it('keeps every src/ mapping of the bundle and drops every node_modules one', async () => {
    const result = await build({
      absWorkingDir: SERVICE_DIR,
      entryPoints: [ENTRY],
      outdir: 'out',
      bundle: true,
      platform: 'node',
      format: 'esm',
      external: ['pg-native'],
      sourcemap: 'external',
      sourcesContent: false,
      write: false,
      logLevel: 'silent',
    });
    const output = (suffix: string) => result.outputFiles.find((file) => file.path.endsWith(suffix))!.text;
    const full = JSON.parse(output('.js.map')) as SourceMapPayload;
    const own = keepOwnSources(full, (source: string) => !isDependency(source));
    expect(own.sources.length).toBeGreaterThan(10);
    expect(own.sources.some(isDependency)).toBe(false);
    expect(JSON.stringify(own).length).toBeLessThan(JSON.stringify(full).length / 5);

    const before = new SourceMap(full);
    const after = new SourceMap(own);
    // Where a bundle position points, or null when it points nowhere.
    const origin = (map: SourceMap, line: number, column: number) => {
      const entry = map.findEntry(line, column) as Partial<SourceMapping> & { name?: string };
      if (entry.originalSource === undefined) return null;
      const { originalSource, originalLine, originalColumn, name } = entry;
      return { originalSource, originalLine, originalColumn, name };
    };
    let ownPositions = 0;
    let dependencyPositions = 0;
    const mismatches: string[] = [];
    output('.js')
      .split('\n')
      .forEach((text, line) => {
        for (let column = 0; column < text.length; column += 3) {
          const want = origin(before, line, column);
          const got = origin(after, line, column);
          if (want && !isDependency(want.originalSource)) {
            ownPositions++;
            if (JSON.stringify(got) !== JSON.stringify(want))
              mismatches.push(`${line}:${column} → ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
          } else {
            dependencyPositions++;
            if (got) mismatches.push(`${line}:${column} in dependency code → ${got.originalSource}`);
          }
        }
      });
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(ownPositions).toBeGreaterThan(1000);
    expect(dependencyPositions).toBeGreaterThan(ownPositions);
  }, 60_000);
});
