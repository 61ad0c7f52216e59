/**
 * `scaledeck play` as a user runs it: the real CLI in a child process against a real Docker stack
 * (offline images). A met expectation exits 0 with the steps printed, a missed one exits 1 naming
 * it, a bad file exits 2 naming step and field with nothing started, --json prints JSON lines,
 * Ctrl-C stops the scenario and leaves the stack, and no engine exits 3.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineSettingsFile } from '../scripts/lib/offline-images.ts';

const execFileAsync = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, 'cli.ts');
const STACK = `sc-cliplay-${process.pid}`;
let tmp = '';
let settingsFile = '';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return execFileAsync(process.execPath, [CLI, '--stack', STACK, '--settings', settingsFile, ...args], {
    env: { ...process.env, ...env },
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string; killed?: boolean }) => {
      if (typeof error.code !== 'number') throw error as Error;
      return { code: error.code, stdout: error.stdout ?? '', stderr: error.stderr ?? '' };
    },
  );
}

async function scenarioFile(name: string, text: string): Promise<string> {
  const file = path.join(tmp, name);
  await writeFile(file, text);
  return file;
}

const MET = `
name: cli-play-met
title: CLI play, met
steps:
  - for: 4
    caption: A light load on a healthy stack
    load: { rate: 5, mix: { getUser: 1, listUsers: 0, signUp: 0, token: 0 } }
    expect:
      healthy: { within: 4 }
      replicas: { atLeast: 1, within: 4 }
  - for: 2
    caption: The load stops
    load: stop
`;

const MISSED = `
name: cli-play-missed
title: CLI play, missed
steps:
  - for: 8
    caption: Nothing here makes five replicas
    autoscaler: { enabled: false }
    expect:
      replicas: { atLeast: 5, within: 8 }
`;

const BAD = `
name: cli-play-bad
title: CLI play, bad
steps:
  - for: 5
    caption: This step is fine
    load: { rate: 5 }
  - for: 5
    load: { rate: fast }
`;

const LONG = `
name: cli-play-long
title: CLI play, long
steps:
  - for: 120
    caption: A long steady load, for Ctrl-C
    load: { rate: 5, mix: { getUser: 1, listUsers: 0, signUp: 0, token: 0 } }
`;

async function replicasOf(): Promise<number> {
  const { code, stdout, stderr } = await cli(['status', '--json']);
  expect(code, stderr).toBe(0);
  const status = JSON.parse(stdout) as { phase: string; desiredReplicas: number };
  expect(status.phase).not.toBe('absent');
  return status.desiredReplicas;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'scaledeck-cli-play-'));
  const offline = JSON.parse(await readFile(await offlineSettingsFile(), 'utf8')) as object;
  settingsFile = path.join(tmp, 'settings.json');
  // Short drains keep the teardown quick; the images are the offline ones.
  await writeFile(settingsFile, JSON.stringify({ ...offline, drainSeconds: 5 }));
  const deployed = await cli(['deploy', '--replicas', '1']);
  if (deployed.code !== 0) throw new Error(`deploy failed (${deployed.code}):\n${deployed.stderr}`);
});

afterAll(async () => {
  if (settingsFile !== '') await cli(['down', '--volumes']);
  await rm(tmp, { recursive: true, force: true });
});

describe('scaledeck play on Docker', () => {
  it('plays a file whose expectations are met: exit 0, each step and outcome printed', async () => {
    const { code, stdout, stderr } = await cli(['play', await scenarioFile('met.yaml', MET)]);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toMatch(/step 1\/2 \(4 s\)\s+“A light load on a healthy stack”/);
    expect(stdout).toMatch(/step 2\/2 \(2 s\)\s+“The load stops”/);
    expect(stdout).toMatch(/met: .*\(step 1\)/);
    expect(stdout).toMatch(/finished after \d+ s: 2 of 2 expectations met/);
  });

  it('exits 1 naming the expectation that was missed', async () => {
    const { code, stdout, stderr } = await cli(['play', await scenarioFile('missed.yaml', MISSED)]);
    expect(code, `${stdout}\n${stderr}`).toBe(1);
    expect(stdout).toMatch(/MISSED: .*\(step 1\)/);
    expect(stderr).toMatch(/expectation missed: .*5.*\(step 1\)/);
  });

  it('refuses a bad file with exit 2 naming step and field, before anything starts', async () => {
    const before = await replicasOf();
    const { code, stdout, stderr } = await cli(['play', await scenarioFile('bad.yaml', BAD), '--json']);
    expect(code, `${stdout}\n${stderr}`).toBe(2);
    expect(stderr).toMatch(/step 2, field load\.rate \(steps\[1\]\.load\.rate\)/);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; state?: string });
    // Nothing played: no scenario or load event, only the refusal.
    expect(lines.filter((line) => line.type === 'scenario' || line.type === 'load')).toEqual([]);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', state: 'refused', exitCode: 2 });
    expect(await replicasOf()).toBe(before);
  });

  it('says so for a file that is not there (and is no built-in): exit 2', async () => {
    const { code, stderr } = await cli(['play', path.join(tmp, 'nowhere.yaml')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/no scenario file at .*nowhere\.yaml, and ".*" is not a built-in scenario/);
  });

  it('--json prints one JSON object per line: the events, then a summary', async () => {
    const { code, stdout, stderr } = await cli(['play', await scenarioFile('met-json.yaml', MET), '--json']);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const steps = lines.filter((line) => line.type === 'scenario' && line.status === 'step');
    expect(steps.map((line) => line.step)).toEqual([0, 1]);
    expect(lines.some((line) => line.type === 'scenario' && line.status === 'expectation')).toBe(true);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', state: 'finished', exitCode: 0, missed: [] });
  });

  it('Ctrl-C stops the scenario cleanly, exits non-zero and leaves the stack as it was', async () => {
    const before = await replicasOf();
    const child = spawn(
      process.execPath,
      [CLI, '--stack', STACK, '--settings', settingsFile, 'play', await scenarioFile('long.yaml', LONG)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        stdout += `${line}\n`;
        if (/step 1\/1/.test(line)) resolve();
      });
      void exited.then(() => reject(new Error(`play exited before its first step:\n${stdout}\n${stderr}`)));
    });
    child.kill('SIGINT');
    const code = await exited;
    expect(code, `${stdout}\n${stderr}`).toBe(130);
    expect(stderr).toMatch(/stopping the scenario/);
    expect(stdout).toMatch(/interrupted after/);
    expect(await replicasOf()).toBe(before);
  });

  it('exits 3 when no engine answers', async () => {
    const { code, stderr } = await cli(['play', await scenarioFile('met-none.yaml', MET)], {
      DOCKER_HOST: `unix://${path.join(tmp, 'no-engine.sock')}`,
    });
    expect(stderr).toMatch(/scaledeck: /);
    expect(code).toBe(3);
  });
});
