// Starts the real browser mode (`node electron/serve.ts`) as a child process, reads its URL from
// the line it prints, and stops it by its PID.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = path.resolve(import.meta.dirname, '../../..');

export interface BrowserMode {
  url: string;
  /** What the server wrote to stderr, for failure messages. */
  log(): string;
  invoke<T>(channel: string, input?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/** One contract call over browser mode's HTTP API at `base` (ending in /); throws the contract's error. */
export async function invokeAt<T>(base: string, channel: string, input: unknown = {}): Promise<T> {
  const res = await fetch(`${base}api/invoke/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: boolean; value?: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${channel}: ${body.error?.message}`);
  return body.value as T;
}

export async function startBrowserMode(options: {
  stack: string;
  settingsFile: string;
  timeoutMs?: number;
  /** Added to this process's environment (e.g. KUBECONFIG for the target picker). */
  env?: Record<string, string>;
}): Promise<BrowserMode> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      path.join(ROOT, 'electron/serve.ts'),
      '--stack',
      options.stack,
      '--settings',
      options.settingsFile,
      '--port',
      '0',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`browser mode printed no URL within ${options.timeoutMs ?? 60_000} ms:\n${stderr}`)),
      options.timeoutMs ?? 60_000,
    );
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (/^https?:\/\//.test(line.trim())) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`browser mode exited with ${code} before printing its URL:\n${stderr}`));
    });
  });
  const base = url.endsWith('/') ? url : `${url}/`;
  return {
    url: base,
    log: () => stderr,
    invoke: <T>(channel: string, input: unknown = {}) => invokeAt<T>(base, channel, input),
    async stop() {
      if (child.exitCode !== null || child.pid === undefined) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(
        () => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'),
        15_000,
      );
      await exited;
      clearTimeout(timer);
    },
  };
}
