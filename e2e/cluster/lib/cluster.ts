// Test-side helpers for the local cluster: run the harness scripts, kubectl from the binary cache,
// and bounded waits that say what they waited for.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const clusterDir = path.resolve(import.meta.dirname, '..');

export interface HarnessPaths {
  binDir: string;
  runDir: string;
  kubeconfig: string;
  nodeName: string;
  nodeBridge: string;
  cniBridge: string;
  forwardComment: string;
  containerdSock: string;
}

export async function harnessPaths(): Promise<HarnessPaths> {
  const { stdout } = await run('bash', [
    '-c',
    `. "${clusterDir}/lib/common.sh" && printf '%s\\n' "$BIN_DIR" "$RUN_DIR" "$KUBECONFIG_PATH" "$NODE_NAME" "$NODE_BRIDGE" "$CNI_BRIDGE" "$FORWARD_COMMENT" "$CONTAINERD_SOCK"`,
  ]);
  const [binDir, runDir, kubeconfig, nodeName, nodeBridge, cniBridge, forwardComment, containerdSock] = stdout
    .trim()
    .split('\n') as [string, string, string, string, string, string, string, string];
  return { binDir, runDir, kubeconfig, nodeName, nodeBridge, cniBridge, forwardComment, containerdSock };
}

// Runs a harness script with its progress on our stderr; resolves with its last stdout line.
export function runScript(script: string, args: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(clusterDir, script), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderrTail = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      process.stderr.write(d);
      stderrTail = (stderrTail + d.toString()).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout.trim().split('\n').at(-1) ?? '');
      else reject(new Error(`${script} ${args.join(' ')} exited with ${code}:\n${stderrTail}`));
    });
  });
}

export function makeKubectl(paths: HarnessPaths) {
  const bin = path.join(paths.binDir, 'kubectl');
  return async function kubectl(args: string[], input?: string): Promise<string> {
    const child = execFile(bin, ['--kubeconfig', paths.kubeconfig, ...args], { maxBuffer: 16 << 20 });
    if (input !== undefined) child.stdin?.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${code}): ${stderr.trim()}`);
    return stdout;
  };
}

// Polls check() until it returns a value other than undefined; fails after timeoutMs naming what
// was awaited and the last error or value seen.
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
      last = 'not yet';
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}; last: ${last}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export async function httpGet(url: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.text() };
}

// PIDs recorded by up.sh, by component.
export function recordedPids(runDir: string): Map<string, number> {
  const pids = new Map<string, number>();
  const dir = path.join(runDir, 'pids');
  if (!existsSync(dir)) return pids;
  const files = readdirSync(dir);
  for (const f of files) {
    const [pid] = readFileSync(path.join(runDir, 'pids', f), 'utf8')
      .trim()
      .split(' ');
    pids.set(f.replace(/\.pid$/, ''), Number(pid));
  }
  return pids;
}
