/**
 * The real CLI's exit code when nothing answers where the stack runs: 3 ("no engine or cluster"),
 * as documented, for a kube context whose API server refuses connections (it was 1).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeUnreachableKubeconfig } from './test-support/unreachable-kubeconfig.ts';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, 'cli.ts');
let tmp = '';
let kubeconfig = '';

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'scaledeck-cli-exit-'));
  kubeconfig = await writeUnreachableKubeconfig(tmp);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function cliFailure(args: string[]): Promise<{ code: number; stderr: string }> {
  const failure = await run(process.execPath, [CLI, ...args], {
    env: { ...process.env, KUBECONFIG: kubeconfig },
    timeout: 120_000,
  }).then(
    () => null,
    (error: unknown) => error as { code: number; stderr: string },
  );
  if (failure === null) throw new Error(`scaledeck ${args.join(' ')} succeeded`);
  return failure;
}

describe('CLI exit code for an unreachable cluster', () => {
  it('status on a context that refuses connections exits 3 and says what to do', async () => {
    const { code, stderr } = await cliFailure([
      '--target',
      'kubernetes',
      '--stack',
      'never-deployed',
      'status',
    ]);
    expect(stderr).toMatch(/cannot reach context "scaledeck-gone"/);
    expect(stderr).toMatch(/check that the cluster is running/);
    expect(code).toBe(3);
  });

  it('a bad flag still exits 2 before anything is reached', async () => {
    const { code, stderr } = await cliFailure(['--namespace', 'demo', 'status']);
    expect(stderr).toMatch(/--namespace only goes with --target kubernetes/);
    expect(code).toBe(2);
  });
});
