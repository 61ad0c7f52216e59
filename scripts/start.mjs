// The README's main command, in Node so it runs the same on macOS, Windows (no bash needed:
// `npm start`) and Linux: a Node that runs Scaledeck, the npm packages, the build (only what
// changed), a Docker engine that answers, the Electron runtime where it can be downloaded, then
// the app (or browser mode). Plain JavaScript: it may start on an old Node and switch to Node 24.
//
//   node scripts/start.mjs [--browser] [app flags...]     (npm start -- ..., bash scripts/start.sh ...)
//   node scripts/start.mjs --prepare-only                  npm packages and the build, nothing else
//
// Variables: SCALEDECK_ELECTRON=skip|auto|download (auto: try the download once, then not again
// for a day after it failed; download: try now), SCALEDECK_ELECTRON_TIMEOUT (seconds, default 120),
// SCALEDECK_FORCE_BUILD=1 (rebuild even when nothing changed).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cacheDir, recentNodeDir } from './lib/node-runtime.mjs';
import { buildIsCurrent, recordBuild, BUILD_PARTS } from './lib/build-stamp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const isWindows = process.platform === 'win32';
const say = (line) => process.stderr.write(`\x1b[1m[scaledeck]\x1b[0m ${line}\n`);

function fail(message, code = 1) {
  say(message);
  process.exit(code);
}

/** Runs a command to completion with inherited output; throws with the command line when it fails. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: isWindows, cwd: root, ...options });
  if (result.status !== 0)
    throw new Error(
      `\`${[command, ...args].join(' ')}\` failed (${result.error?.message ?? `exit ${result.status}`})`,
    );
}

/** Re-runs this script under a Node that runs Scaledeck when this one is too old. */
async function ensureNode() {
  let dir;
  try {
    dir = await recentNodeDir(say);
  } catch (error) {
    fail(error.message);
  }
  if (dir === null) return;
  const env = { ...process.env, PATH: `${dir}${isWindows ? ';' : ':'}${process.env.PATH ?? ''}` };
  const node = join(dir, isWindows ? 'node.exe' : 'node');
  const child = spawnSync(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env,
  });
  process.exit(child.status ?? 1);
}

/** npm ci where the lockfile changed since the last install; never downloads Electron (see ensureElectron). */
function ensurePackages(dir) {
  const lock = readFileSync(join(dir, 'package-lock.json'), 'utf8');
  const stamp = join(dir, 'node_modules', '.scaledeck-lock.sha256');
  const sum = sha256(lock);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === sum) return;
  say(`npm ci in ${dir === root ? '.' : dir.slice(root.length + 1)}`);
  // The Electron download stays out of npm ci, so a failed download never fails the install.
  run(isWindows ? 'npm.cmd' : 'npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
  writeFileSync(stamp, sum);
}

function sha256(text) {
  return createHash('sha256').update(text).digest('hex');
}

function ensureBuild() {
  const force = process.env.SCALEDECK_FORCE_BUILD === '1';
  for (const part of BUILD_PARTS) {
    if (!force && buildIsCurrent(root, part)) continue;
    say(`building ${part.name}`);
    for (const [command, ...args] of part.commands) {
      if (command === 'node') run(process.execPath, args);
      else run(isWindows ? `${command}.cmd` : command, args);
    }
    recordBuild(root, part);
  }
}

/** Yes when a Docker engine answers; otherwise installs one (root on Debian/Ubuntu) or says what to do per OS. */
async function ensureEngine() {
  const { createDockerClient, assertEngine } = await import(
    pathToFileURL(join(root, 'electron/core/targets/docker/connect.ts')).href
  );
  try {
    await assertEngine(createDockerClient(), 3000);
    return;
  } catch (error) {
    if (!canInstallDebs() || process.env.DOCKER_HOST) fail(error.message, 3);
    say(`${error.message.split(';')[0]}; installing and starting one (root on Debian/Ubuntu)`);
  }
  run('bash', ['-c', '. scripts/lib/setup.sh && ensure_debs docker.io && ensure_docker']);
  await assertEngine(createDockerClient(), 5000).catch((error) => fail(error.message, 3));
}

function canInstallDebs() {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const has = (program) => spawnSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0;
  return has('apt-get') && has('dpkg-query');
}

/**
 * The Electron runtime, where it can be downloaded: bounded by a time limit with a progress
 * line, remembered when it failed so an offline machine is not slowed down at every start.
 * Returns why there is none, or null when it is installed.
 */
async function ensureElectron(browser) {
  const { findElectron } = await import(pathToFileURL(join(root, 'electron/launch.ts')).href);
  const found = findElectron();
  if ('path' in found) return null;
  const mode =
    process.env.SCALEDECK_ELECTRON ?? (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD ? 'skip' : 'auto');
  if (browser || mode === 'skip') return browser ? null : `${found.missing} (SCALEDECK_ELECTRON=skip)`;
  const marker = join(cacheDir(), 'electron-download-failed');
  if (mode === 'auto' && existsSync(marker) && Date.now() - statSync(marker).mtimeMs < 24 * 3600_000)
    return `the last download failed (${readFileSync(marker, 'utf8').trim()}); SCALEDECK_ELECTRON=download tries again`;
  const limitSeconds = Number(process.env.SCALEDECK_ELECTRON_TIMEOUT ?? 120);
  say(
    `downloading the Electron runtime (at most ${limitSeconds} s; --browser or SCALEDECK_ELECTRON=skip skips it)`,
  );
  const outcome = await downloadElectron(limitSeconds);
  if (outcome === null && 'path' in findElectron()) {
    rmSync(marker, { force: true });
    return null;
  }
  const reason = outcome ?? 'the download ended without a binary';
  mkdirSync(dirname(marker), { recursive: true });
  writeFileSync(marker, `${reason}\n`);
  return `it could not be downloaded: ${reason}`;
}

function downloadElectron(limitSeconds) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [join(root, 'node_modules/electron/install.js')], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const progress = setInterval(
      () => say(`  still downloading the Electron runtime: ${Math.round((Date.now() - started) / 1000)} s`),
      10_000,
    );
    const limit = setTimeout(() => child.kill('SIGTERM'), limitSeconds * 1000);
    child.on('close', (code, signal) => {
      clearInterval(progress);
      clearTimeout(limit);
      if (code === 0) return resolve(null);
      if (signal) return resolve(`no download within ${limitSeconds} s`);
      const lines = stderr.trim().split('\n');
      const message = lines.find((line) => /Error/.test(line)) ?? lines[0] ?? `exit ${code}`;
      resolve(message.trim().slice(0, 200));
    });
  });
}

async function main(argv) {
  await ensureNode();
  ensurePackages(root);
  ensurePackages(join(root, 'service'));
  ensureBuild();
  if (argv.includes('--prepare-only')) return;
  await ensureEngine();
  const browser = argv.includes('--browser');
  const noElectron = await ensureElectron(browser);
  const { main: launch } = await import(pathToFileURL(join(root, 'electron/launch.ts')).href);
  await launch(argv, noElectron);
}

main(process.argv.slice(2)).catch((error) => fail(error.message));
