// Bundles the tsc output (dist/main.js) and its dependencies into one ESM file,
// dist/bundle/main.mjs, with a linked source map. The image ships only this file: a new replica
// then reads one file at start instead of resolving and importing ~100 from node_modules, which
// at 0.5 CPU took about twice as long. tsc stays the type checker and keeps producing dist/.
//
// Run after tsc (npm run build does both). Any esbuild warning fails the build: a warning here
// usually means a dependency loads something at runtime by a path the bundle cannot carry
// (a worker file, a dynamic require), which would only show up as a crash inside the image.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { keepOwnSources } from './own-source-map.mjs';

const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${serviceDir}dist/bundle`;
const mapFile = `${outdir}/main.mjs.map`;

await rm(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: serviceDir,
  entryPoints: ['dist/main.js'],
  outfile: `${outdir}/main.mjs`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  // The oldest Node the service supports (package.json engines); the image runs Node 24.
  target: 'node22.12',
  // Bundling renames clashing top-level names (pg's DatabaseError became DatabaseError2); keep
  // every function's and class's .name as it was: logs show err.type from it, and dependencies
  // branch on constructor.name (rate-limiter-flexible, ioredis errors). Costs ~18 ms CPU at start.
  keepNames: true,
  // pg loads pg-native only when asked for it (we never do) and inside a try: leave it out.
  external: ['pg-native'],
  // CommonJS dependencies call require() for Node built-ins; an ESM file has no require of its own.
  banner: {
    js: "import { createRequire as __scaledeckCreateRequire } from 'node:module'; const require = __scaledeckCreateRequire(import.meta.url);",
  },
  // Linked, so `node --enable-source-maps` finds it; it chains through dist/*.js.map to src/*.ts.
  // Sources are not embedded: stack traces need file names and lines, not the text. Trimmed to
  // src/ below (see own-source-map.mjs for why).
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'eof',
  logLevel: 'silent',
});

const problems = [...result.errors, ...result.warnings];
if (problems.length > 0) {
  for (const problem of problems) {
    const where = problem.location ? `${problem.location.file}:${problem.location.line}: ` : '';
    console.error(`bundle: ${where}${problem.text}`);
  }
  process.exit(1);
}

const map = JSON.parse(await readFile(mapFile, 'utf8'));
await writeFile(
  mapFile,
  JSON.stringify(keepOwnSources(map, (source) => !/(^|\/)node_modules\//.test(source))),
);
