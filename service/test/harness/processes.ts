// Child processes the harness starts: spawned with output to a log file (a pipe nobody reads
// would eventually block the child), tracked by PID, and killed by PID if the test process
// exits without cleaning up.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { forgetChild, recordChild, stopOrphans } from './pid-ledger.ts';

const live = new Set<number>();
const tempDirs = new Set<string>();

for (const orphan of stopOrphans())
  console.warn(`[harness] stopped ${orphan}, left behind by an interrupted test run`);

process.once('exit', () => {
  for (const pid of live) {
    forgetChild(pid);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Removed at exit even when a test forgot to dispose(). */
export function trackTempDir(dir: string): void {
  tempDirs.add(dir);
}
export function untrackTempDir(dir: string): void {
  tempDirs.delete(dir);
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Spawned {
  child: ChildProcess;
  pid: number;
  logFile: string;
  exited: Promise<Exit>;
  isRunning(): boolean;
  log(): string;
  /** Sends the signal to this PID and waits for the exit (SIGKILL after `graceMs`). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<Exit>;
}

export function spawnLogged(
  command: string,
  args: string[],
  logFile: string,
  options: Omit<SpawnOptions, 'stdio'> = {},
): Spawned {
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, { ...options, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  live.add(pid);
  recordChild(pid, command);
  let running = true;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      live.delete(pid);
      forgetChild(pid);
      resolve({ code, signal });
    });
    child.once('error', () => {
      running = false;
      live.delete(pid);
      forgetChild(pid);
      resolve({ code: -1, signal: null });
    });
  });
  return {
    child,
    pid,
    logFile,
    exited,
    isRunning: () => running,
    log: () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    },
    async stop(signal = 'SIGTERM', graceMs = 15_000) {
      if (!running) return exited;
      process.kill(pid, signal);
      const timer = setTimeout(() => running && process.kill(pid, 'SIGKILL'), graceMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Polls `check` until it returns true; fails with `describe()` when the process dies or time runs out. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  opts: { timeoutMs?: number; intervalMs?: number; alive?: () => boolean; describe?: () => string } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (opts.alive && !opts.alive()) throw new Error(`${what}: process exited\n${opts.describe?.() ?? ''}`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 100));
  }
  throw new Error(`${what}: not ready after ${opts.timeoutMs ?? 30_000} ms\n${opts.describe?.() ?? ''}`);
}

export const tail = (text: string, lines = 40) => text.trimEnd().split('\n').slice(-lines).join('\n');
