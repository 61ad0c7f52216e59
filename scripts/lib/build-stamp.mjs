// What the main command builds, from which inputs, and whether the last build is still current:
// a content hash of every input file is kept beside the output, so a warm start builds nothing
// and a changed file rebuilds only its part.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';

const vite = ['node', 'node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'];

export const BUILD_PARTS = [
  {
    name: 'the User API (service/dist)',
    inputs: [
      'service/src',
      'service/scripts',
      'service/package.json',
      'service/package-lock.json',
      'service/tsconfig.json',
      'service/tsconfig.build.json',
    ],
    stamp: 'service/dist/.scaledeck-build.sha256',
    commands: [['npm', '--prefix', 'service', 'run', '--silent', 'build']],
  },
  {
    name: 'the dashboard and the Electron main/preload (dist)',
    inputs: ['renderer', 'electron', 'vite.config.ts', 'tsconfig.json', 'package.json', 'package-lock.json'],
    stamp: 'dist/.scaledeck-build.sha256',
    commands: [vite, [...vite, '--mode', 'main'], [...vite, '--mode', 'preload']],
  },
];

const SKIPPED = new Set(['node_modules', 'dist', 'docs']);
const isTest = (name) => /\.test\.tsx?$/.test(name);

/** Every file under the inputs (folders walked, tests and outputs left out), as sorted posix paths. */
function inputFiles(root, part) {
  const walk = (input) => {
    const path = join(root, input);
    if (!existsSync(path)) return [];
    if (!statSync(path).isDirectory()) return [input];
    return readdirSync(path, { withFileTypes: true }).flatMap((entry) => {
      if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : walk(join(input, entry.name));
      return isTest(entry.name) ? [] : [join(input, entry.name)];
    });
  };
  return part.inputs
    .flatMap(walk)
    .map((file) => file.split(sep).join('/'))
    .sort();
}

export function inputsHash(root, part) {
  const hash = createHash('sha256');
  for (const file of inputFiles(root, part))
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(root, file)))
      .update('\0');
  return hash.digest('hex');
}

export function buildIsCurrent(root, part) {
  const stamp = join(root, part.stamp);
  return existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === inputsHash(root, part);
}

export function recordBuild(root, part) {
  writeFileSync(join(root, part.stamp), `${inputsHash(root, part)}\n`);
}
