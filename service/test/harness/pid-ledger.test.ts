import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopOrphans } from './pid-ledger.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    // A killed child of a dead parent stays a zombie until init reaps it: not running.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
};

/** A test run that starts a child through the harness and is then killed before its exit hook. */
async function interruptedRun(): Promise<number> {
  const script = `
    const { spawnLogged } = await import(${JSON.stringify(path.join(import.meta.dirname, 'processes.ts'))});
    const child = spawnLogged('sleep', ['120'], '/dev/null');
    console.log(child.pid);
    setInterval(() => {}, 1000);
  `;
  const run = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pid = await new Promise<number>((resolve, reject) => {
    run.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    run.once('exit', (code) => reject(new Error(`the run exited early with ${code}`)));
  });
  run.kill('SIGKILL');
  await new Promise((resolve) => run.once('exit', resolve));
  return pid;
}

describe('pid ledger', () => {
  it('stops the child of a run killed before its exit hook, and only that', async () => {
    const orphan = await interruptedRun();
    expect(alive(orphan)).toBe(true);
    const ours = spawn('sleep', ['120']);
    try {
      // Another test run loading the harness at the same moment may be the one that stops it.
      stopOrphans();
      await expect.poll(() => alive(orphan), { timeout: 5000 }).toBe(false);
      expect(alive(ours.pid ?? -1)).toBe(true);
      expect(stopOrphans().some((line) => line.startsWith(`${orphan} `))).toBe(false);
    } finally {
      ours.kill('SIGKILL');
      if (alive(orphan)) process.kill(orphan, 'SIGKILL');
    }
  });
});
