// Finds or fetches a Node.js that runs Scaledeck (>= 22.18: the first 22.x that strips
// TypeScript types without a flag, which the CLI and the main command rely on). Plain
// JavaScript, so it runs on whatever older Node the machine has; no dependencies.
// The npm registry carries the official Node binaries as packages (node-<os>-<arch>), so an
// old Node is replaced from the one registry the machine already reaches.
// As a script: prints the folder that holds the right `node`, fetching it when needed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const MIN_NODE = [22, 18];
const FETCHED_MAJOR = 24;

export function nodeIsRecent(version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number);
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

export function cacheDir() {
  if (process.env.XDG_CACHE_HOME) return join(process.env.XDG_CACHE_HOME, 'scaledeck');
  if (process.platform === 'win32' && process.env.LOCALAPPDATA)
    return join(process.env.LOCALAPPDATA, 'scaledeck', 'cache');
  return join(homedir(), '.cache', 'scaledeck');
}

function packageName() {
  const os = { linux: 'linux', darwin: 'darwin', win32: 'win' }[process.platform];
  const arch = { x64: 'x64', arm64: 'arm64' }[process.arch];
  if (!os || !arch)
    throw new Error(
      `no Node ${FETCHED_MAJOR} package for ${process.platform}/${process.arch}; install Node ${FETCHED_MAJOR} LTS from https://nodejs.org`,
    );
  return `node-${os}-${arch}`;
}

/** The folder holding a recent `node` (null: this one is recent enough), fetched once into the cache. */
export async function recentNodeDir(log = (line) => process.stderr.write(`${line}\n`)) {
  if (nodeIsRecent()) return null;
  const pkg = packageName();
  const prefix = join(cacheDir(), 'node24');
  // Every node-<os>-<arch> package keeps its binary in bin/ (node.exe on Windows).
  const binDir = join(prefix, 'node_modules', pkg, 'bin');
  const binary = join(binDir, process.platform === 'win32' ? 'node.exe' : 'node');
  if (existsSync(binary)) return binDir;
  log(
    `scaledeck: Node ${process.versions.node} is older than ${MIN_NODE.join('.')}; fetching Node ${FETCHED_MAJOR} (${pkg}) from the npm registry into ${prefix}`,
  );
  mkdirSync(prefix, { recursive: true });
  if (hasNpm()) npmInstall(pkg, prefix);
  else await registryInstall(pkg, join(prefix, 'node_modules', pkg));
  if (!existsSync(binary))
    throw new Error(
      `could not fetch ${pkg}@${FETCHED_MAJOR}; install Node ${FETCHED_MAJOR} LTS from https://nodejs.org`,
    );
  return binDir;
}

const npmCommand = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function hasNpm() {
  return (
    spawnSync(npmCommand, ['--version'], { stdio: 'ignore', shell: process.platform === 'win32' }).status ===
    0
  );
}

/** npm knows the user's registry, proxy and credentials: the first choice. */
function npmInstall(pkg, prefix) {
  const args = ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--loglevel=error'];
  // npm's own output goes to stderr: stdout carries only the folder this script prints.
  spawnSync(npmCommand, [...args, `${pkg}@${FETCHED_MAJOR}`], {
    stdio: ['ignore', 2, 2],
    shell: process.platform === 'win32',
  });
}

/**
 * Without npm (e.g. Debian's nodejs package alone), the same package straight from the registry:
 * the newest 24.x, its tarball checked against the registry's sha512, unpacked with tar.
 */
async function get(url, init) {
  try {
    const response = await fetch(url, init);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response;
  } catch (error) {
    throw new Error(`could not fetch ${url}: ${error.cause?.message ?? error.message}`, { cause: error });
  }
}

async function registryInstall(pkg, target) {
  const registry = (process.env.npm_config_registry || 'https://registry.npmjs.org/').replace(/\/?$/, '/');
  const meta = await (
    await get(`${registry}${pkg}`, { headers: { accept: 'application/vnd.npm.install-v1+json' } })
  ).json();
  const newest = Object.keys(meta.versions ?? {})
    .filter((version) => /^\d+\.\d+\.\d+$/.test(version) && version.startsWith(`${FETCHED_MAJOR}.`))
    .sort((a, b) => compareVersions(b, a))[0];
  if (!newest) throw new Error(`the registry at ${registry} has no ${pkg}@${FETCHED_MAJOR}`);
  const { tarball, integrity } = meta.versions[newest].dist;
  const bytes = Buffer.from(await (await get(tarball)).arrayBuffer());
  const [algorithm, expected] = integrity.split('-');
  if (createHash(algorithm).update(bytes).digest('base64') !== expected)
    throw new Error(`${tarball} does not match its ${algorithm} checksum`);
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(join(dirname(target), '.fetch-'));
  try {
    writeFileSync(join(staging, 'package.tgz'), bytes);
    const untar = spawnSync('tar', ['-xzf', join(staging, 'package.tgz'), '-C', staging], {
      stdio: ['ignore', 2, 2],
    });
    if (untar.status !== 0) throw new Error(`tar could not unpack ${tarball}`);
    rmSync(target, { recursive: true, force: true });
    renameSync(join(staging, 'package'), target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function compareVersions(a, b) {
  const [x, y] = [a, b].map((version) => version.split('.').map(Number));
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === '--check') process.exit(nodeIsRecent() ? 0 : 1);
  try {
    const dir = await recentNodeDir();
    process.stdout.write(`${dir ?? ''}\n`);
  } catch (error) {
    process.stderr.write(`scaledeck: ${error.message}\n`);
    process.exit(1);
  }
}
