// The README's main command the way most of our users run it: as an ordinary user in the docker
// group, on a system without dpkg (as on macOS), from a checkout of their own with nothing built.
// It must install its npm packages, build, find the engine, fall back to browser mode where the
// Electron runtime cannot be downloaded, print the dashboard URL, and deploy through it.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  readFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineSettingsFile } from '../../scripts/lib/offline-images.ts';
import { invokeAt } from '../app/support/browser-mode.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
// As root (CI) the test makes an ordinary user in the docker group; as an ordinary user it is one.
const AS_ROOT = process.getuid?.() === 0;
const USER = AS_ROOT ? 'scaledeck-e2e' : os.userInfo().username;
const HOME = AS_ROOT ? `/home/${USER}` : path.join(os.tmpdir(), `scaledeck-e2e-home-${process.getuid?.()}`);
const CHECKOUT = `${HOME}/scaledeck`;
const PATH_FARM = `${HOME}/.path-without-dpkg`;
// Its own stack name per run: a run as root and one as an ordinary user may share the engine.
const STACK = `e2e-nonroot-${randomBytes(3).toString('hex')}`;

function cannotRun(): string | null {
  const tools = AS_ROOT ? ['useradd', 'runuser', 'git'] : ['git'];
  for (const tool of tools)
    if (!existsSync(`/usr/sbin/${tool}`) && !existsSync(`/usr/bin/${tool}`) && !existsSync(`/sbin/${tool}`))
      return `${tool} is missing`;
  if (!AS_ROOT) {
    try {
      execFileSync('docker', ['info'], { stdio: 'ignore' });
    } catch {
      return `no Docker engine answers for ${USER} (join the docker group, or start one)`;
    }
    return null;
  }
  try {
    execFileSync('getent', ['group', 'docker']);
  } catch {
    return 'there is no docker group (the docker.io package makes it)';
  }
  return null;
}

const skip = cannotRun();
if (skip) console.warn(`main-command e2e skipped: ${skip}`);

const sh = (command: string, args: string[]) => execFileSync(command, args, { encoding: 'utf8' });

/** The user's own checkout: the files git knows here (committed or not), nothing built or installed. */
function prepareCheckout(): void {
  rmSync(CHECKOUT, { recursive: true, force: true });
  mkdirSync(CHECKOUT, { recursive: true });
  const files = sh('git', ['-C', ROOT, 'ls-files', '--cached', '--others', '--exclude-standard', '-z'])
    .split('\0')
    .filter((file) => file !== '' && existsSync(path.join(ROOT, file)));
  for (const file of files) {
    mkdirSync(path.dirname(path.join(CHECKOUT, file)), { recursive: true });
    cpSync(path.join(ROOT, file), path.join(CHECKOUT, file));
  }
}

/** A PATH with every program of this machine but dpkg's and apt's, as on a machine without them. */
function pathWithoutDpkg(): string {
  rmSync(PATH_FARM, { recursive: true, force: true });
  mkdirSync(PATH_FARM, { recursive: true });
  const seen = new Set<string>();
  for (const dir of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (seen.has(name) || /^(dpkg|apt)/.test(name)) continue;
      seen.add(name);
      symlinkSync(path.join(dir, name), path.join(PATH_FARM, name));
    }
  }
  return PATH_FARM;
}

describe.skipIf(skip !== null)(
  'the main command as a non-root user in the docker group, without dpkg',
  () => {
    let child: ChildProcess | undefined;
    let stderr = '';
    let url = '';
    const invoke = <T>(channel: string, input: unknown = {}) => invokeAt<T>(url, channel, input);

    beforeAll(async () => {
      if (AS_ROOT) {
        try {
          sh('id', ['-u', USER]);
        } catch {
          sh('useradd', ['--create-home', '--shell', '/bin/bash', '--groups', 'docker', USER]);
        }
      }
      prepareCheckout();
      // The user's npm cache starts from root's, only so that npm ci does not download again.
      const rootCache = path.join(process.env.HOME ?? '/root', '.npm/_cacache');
      if (existsSync(rootCache)) cpSync(rootCache, `${HOME}/.npm/_cacache`, { recursive: true });
      const settings = `${HOME}/offline-settings.json`;
      writeFileSync(settings, readFileSync(await offlineSettingsFile(), 'utf8'));
      const farm = pathWithoutDpkg();
      if (AS_ROOT) sh('chown', ['-R', `${USER}:${USER}`, HOME]);

      const asUser = AS_ROOT ? ['runuser', '-u', USER, '--', 'env'] : ['env'];
      child = spawn(
        asUser[0]!,
        [
          ...asUser.slice(1),
          '-i',
          `HOME=${HOME}`,
          `USER=${USER}`,
          `PATH=${farm}`,
          'LANG=C.UTF-8',
          // Rootless Docker or a remote engine: the user's own way to the engine.
          ...(process.env.DOCKER_HOST ? [`DOCKER_HOST=${process.env.DOCKER_HOST}`] : []),
          'bash',
          'scripts/start.sh',
          '--settings',
          settings,
          '--stack',
          STACK,
          '--port',
          '0',
        ],
        { cwd: CHECKOUT, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
      );
      child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-30_000)));
      url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no dashboard URL within 14 min:\n${stderr}`)),
          840_000,
        );
        createInterface({ input: child!.stdout! }).on('line', (line) => {
          if (/^https?:\/\//.test(line.trim())) {
            clearTimeout(timer);
            resolve(line.trim().endsWith('/') ? line.trim() : `${line.trim()}/`);
          }
        });
        child!.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`the main command exited with ${code} before printing a URL:\n${stderr}`));
        });
      });
    }, 900_000);

    afterAll(async () => {
      if (url) await invoke('stack:teardown', { deleteVolumes: true }).catch(() => undefined);
      if (child?.pid !== undefined && child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
        process.kill(-child.pid, 'SIGTERM');
        const timer = setTimeout(
          () => child!.exitCode === null && process.kill(-child!.pid!, 'SIGKILL'),
          15_000,
        );
        await exited;
        clearTimeout(timer);
      }
    }, 120_000);

    it('ran as the user, found no dpkg, and did not try to install system packages', () => {
      expect(stderr).not.toMatch(/installing Debian packages|apt-get install/);
      expect(stderr).toMatch(/npm ci/);
    });

    it('says why there is no desktop app and serves the dashboard instead', async () => {
      expect(stderr).toMatch(/no Electron runtime: .+/);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<div id="root">/);
    });

    it('deploys through the dashboard URL, with images built by the user', async () => {
      const status = await invoke<{ phase: string; replicas: { state: string }[] }>('stack:deploy', {
        replicas: 1,
      });
      expect(status.phase).toBe('running');
      expect(status.replicas.filter((replica) => replica.state === 'ready')).toHaveLength(1);
    }, 300_000);
  },
);
