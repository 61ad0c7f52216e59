// Finds or fetches a Node.js that runs Scaledeck (>= 22.18: the first 22.x that strips
// TypeScript types without a flag, which the CLI and the main command rely on). Plain
// JavaScript, so it runs on whatever older Node the machine has; no dependencies.
// The npm registry carries the official Node binaries as packages (node-<os>-<arch>), so an
// old Node is replaced from the one registry the machine already reaches.
// As a script: prints the folder that holds the right `node`, fetching it when needed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
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

/** The folder holding a recent `node` (this one's when recent enough), fetched once into the cache. */
export function recentNodeDir(log = (line) => process.stderr.write(`${line}\n`)) {
  if (nodeIsRecent()) return null;
  const pkg = packageName();
  const prefix = join(cacheDir(), 'node24');
  // Every node-<os>-<arch> package keeps its binary in bin/ (node.exe on Windows).
  const binDir = join(prefix, 'node_modules', pkg, 'bin');
  const binary = join(binDir, process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(binary)) {
    log(
      `scaledeck: Node ${process.versions.node} is older than ${MIN_NODE.join('.')}; fetching Node ${FETCHED_MAJOR} (${pkg}) from the npm registry into ${prefix}`,
    );
    mkdirSync(prefix, { recursive: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = spawnSync(
      npm,
      [
        'install',
        '--prefix',
        prefix,
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        `${pkg}@${FETCHED_MAJOR}`,
      ],
      { stdio: ['ignore', 2, 2], shell: process.platform === 'win32' },
    );
    if (result.status !== 0 || !existsSync(binary))
      throw new Error(
        `could not fetch ${pkg}@${FETCHED_MAJOR} with npm; install Node ${FETCHED_MAJOR} LTS from https://nodejs.org`,
      );
  }
  return binDir;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === '--check') process.exit(nodeIsRecent() ? 0 : 1);
  try {
    const dir = recentNodeDir();
    process.stdout.write(`${dir ?? ''}\n`);
  } catch (error) {
    process.stderr.write(`scaledeck: ${error.message}\n`);
    process.exit(1);
  }
}
