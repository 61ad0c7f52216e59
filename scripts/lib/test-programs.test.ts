// The gap that once failed the test command on a clean machine: a test started `prometheus`, and
// nothing installed it. Every program a test or harness starts by name must be in
// test-programs.tsv, the list scripts/test.sh installs from and check:fresh verifies.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const SKIP = new Set(['node_modules', 'dist', '.git', 'artifacts', 'out']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Code that only tests run: test files, and the harness and support folders they import. */
const isTestCode = (file: string) =>
  /\.test\.tsx?$/.test(file) || /(^|\/)(test-support|harness|support|test)\//.test(relative(root, file));

const SPAWNING = /\b(?:spawnLogged|spawn|spawnSync|execFile|execFileSync|execFileAsync)\(\s*'([^']+)'/g;
const PROGRAM_CONSTANT = /\b[A-Z_]*(?:BIN|CHROMIUM|BINARY)\s*=\s*(?:[^;'\n]*\?\?\s*)?'([^']+)'/g;

export function programsStartedBy(code: string): string[] {
  const found = new Set<string>();
  for (const pattern of [SPAWNING, PROGRAM_CONSTANT])
    for (const match of code.matchAll(pattern)) found.add(match[1]!);
  return [...found];
}

function listedPrograms(): { programs: string[]; packages: string[] } {
  const rows = readFileSync(join(root, 'scripts/lib/test-programs.tsv'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => line.split('\t'));
  return { programs: rows.map((row) => row[0]!), packages: rows.map((row) => row[1] ?? '') };
}

function isListed(program: string, listed: string[]): boolean {
  if (program.startsWith('/')) {
    const asGlob = (entry: string) =>
      new RegExp(`^${entry.replace(/[.+]/g, '\\$&').replace(/\*/g, '[^/]+')}$`);
    return listed.some((entry) => entry.startsWith('/') && asGlob(entry).test(program));
  }
  return listed.some((entry) => entry === program || (entry.startsWith('/') && basename(entry) === program));
}

describe('test-programs.tsv', () => {
  it('recognises the ways tests start programs', () => {
    const sample = [
      "spawnLogged('prometheus', [`--config.file=x`], log);",
      "execFileSync('redis-cli', ['-p', '1']);",
      "const REGISTRY_BIN = '/usr/bin/docker-registry';",
      "export const CHROMIUM = process.env.SCALEDECK_CHROMIUM ?? '/usr/bin/chromium';",
      "spawn(process.execPath, ['x.ts']);",
    ].join('\n');
    expect(programsStartedBy(sample).sort()).toEqual([
      '/usr/bin/chromium',
      '/usr/bin/docker-registry',
      'prometheus',
      'redis-cli',
    ]);
  });

  it('names every program a test or harness starts, with the Debian package that brings it', () => {
    const { programs, packages } = listedPrograms();
    expect(packages.every((name) => /^[a-z0-9][a-z0-9.+-]+$/.test(name))).toBe(true);
    const unlisted: string[] = [];
    for (const file of sourceFiles(root).filter(isTestCode)) {
      for (const program of programsStartedBy(readFileSync(file, 'utf8'))) {
        if (!isListed(program, programs)) unlisted.push(`${program} (started in ${relative(root, file)})`);
      }
    }
    expect(unlisted, 'add these to scripts/lib/test-programs.tsv with their Debian package').toEqual([]);
  });

  it('a program missing from the list is caught (prometheus, as it once was)', () => {
    const { programs } = listedPrograms();
    const without = programs.filter((program) => program !== 'prometheus');
    const started = programsStartedBy(
      readFileSync(join(root, 'electron/test-support/prometheus-server.ts'), 'utf8'),
    );
    expect(started).toContain('prometheus');
    expect(started.filter((program) => !isListed(program, without))).toEqual(['prometheus']);
  });

  it('the test command installs from this list', () => {
    const testCommand = readFileSync(join(root, 'scripts/test.sh'), 'utf8');
    expect(testCommand).toMatch(/^ensure_test_programs$/m);
  });
});
