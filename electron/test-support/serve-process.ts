// A real `scaledeck serve` (electron/cli.ts) as a child process: its URL from the line it prints,
// its stderr for failure messages, and a stop by SIGTERM that reports how it exited.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const CLI = path.resolve(import.meta.dirname, '../cli.ts');

export interface ServeProcess {
  url: string;
  pid: number;
  stderr(): string;
  /** Waits (up to 10 s) until stderr matches, e.g. the share token's line, printed after the URL. */
  waitForStderr(pattern: RegExp): Promise<RegExpExecArray>;
  /** SIGTERM, then the exit code (SIGKILL after 15 s, which fails the caller's expectations). */
  stop(): Promise<number | null>;
}

export async function startServe(options: {
  stack: string;
  env: Record<string, string>;
  args?: string[];
}): Promise<ServeProcess> {
  // Nothing is deployed, so the images do not matter; the offline ones when the test run has them.
  const settings = process.env.SCALEDECK_TEST_SETTINGS;
  const child = spawn(
    process.execPath,
    [
      CLI,
      '--stack',
      options.stack,
      ...(settings ? ['--settings', settings] : []),
      'serve',
      '--port',
      '0',
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL in 60 s:\n${stderr}`)), 60_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (/^https?:\/\//.test(line.trim())) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before printing its URL:\n${stderr}`));
    });
  });
  return {
    url,
    pid: child.pid!,
    stderr: () => stderr,
    async waitForStderr(pattern) {
      for (const started = Date.now(); Date.now() - started < 10_000;) {
        const match = pattern.exec(stderr);
        if (match !== null) return match;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`serve wrote nothing matching ${pattern} to stderr in 10 s:\n${stderr}`);
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
