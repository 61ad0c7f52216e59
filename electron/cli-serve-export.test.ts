/**
 * `scaledeck export` and `explain` reading a running `scaledeck serve` from another process, all
 * real processes: serve announces itself in its runtime file (0600, no token), export writes the
 * dashboard's JSON export (parseExport reads it, with the serve's recording), the file is gone once
 * serve exits on SIGTERM, a stale file is ignored and replaced, and "nothing running" says how to
 * start one and exits 1. Nothing is deployed: the read channels answer without a stack.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExport } from '../renderer/src/export/open-export.ts';
import { startServe, type ServeProcess } from './test-support/serve-process.ts';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, 'cli.ts');

let root = '';
let runtime = '';
const env = () => ({ SCALEDECK_RUNTIME_DIR: runtime });
const fileOf = (stack: string) => path.join(runtime, `serve-${stack}.json`);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env() }, timeout: 60_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

/** A read straight over browser mode's HTTP API, not through the CLI's own client. */
async function read<T>(url: string, channel: string): Promise<T> {
  const response = await fetch(new URL(`api/invoke/${channel}`, url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  const body = (await response.json()) as { ok: boolean; value: T };
  expect(body.ok).toBe(true);
  return body.value;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'scaledeck-serve-export-'));
  runtime = path.join(root, 'run');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('scaledeck export / explain from a running serve', () => {
  let serve: ServeProcess;
  const stack = 'cli-export-a';

  beforeAll(async () => {
    serve = await startServe({ stack, env: env() });
  });

  afterAll(async () => {
    await serve.stop();
  });

  it('serve announces itself in a 0600 runtime file before it prints its URL', async () => {
    const file = fileOf(stack);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const announced = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    expect(announced).toEqual({
      version: 1,
      url: serve.url,
      stack,
      target: { kind: 'docker' },
      pid: serve.pid,
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      share: false,
    });
  });

  it('export --out in another process writes the dashboard’s export with the serve’s recording', async () => {
    const out = path.join(root, 'export.json');
    const { code, stdout, stderr } = await cli(['--stack', stack, 'export', '--out', out]);
    expect(stderr).toMatch(/no autoscaler sync yet: it records once the autoscaler is on/);
    expect(code).toBe(0);
    expect(stdout).toContain(
      `written to ${out} (from the scaledeck serve for stack "${stack}" (pid ${serve.pid})`,
    );
    const text = await readFile(out, 'utf8');
    // The offline view's own validation (Open export…) accepts it.
    const saved = parseExport(text, 'export.json');
    const { recording, decisions } = await read<{ recording: unknown; decisions: unknown }>(
      serve.url,
      'decisions:recording',
    );
    expect(saved.recording).toEqual(recording);
    const json = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['exportedAt', 'window', 'series', 'events', 'recording', 'decisions']);
    expect(json.decisions).toEqual(decisions);
    expect(json.events).toEqual(await read(serve.url, 'timeline:list'));
  });

  it('explain --json reads the serve’s decisions (none yet) and says why it is empty', async () => {
    const { code, stdout, stderr } = await cli(['--stack', stack, 'explain', '--json', '--last', '3']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([]);
    expect(stderr).toMatch(/no autoscaler decision yet in the scaledeck serve for stack "cli-export-a"/);
  });

  it('a --target other than the serve’s is refused naming --target (exit 2)', async () => {
    const { code, stderr } = await cli([
      '--stack',
      stack,
      '--target',
      'kubernetes',
      'export',
      '--out',
      path.join(root, 'k.json'),
    ]);
    expect(stderr).toMatch(
      /--target: the scaledeck serve of stack "cli-export-a" \(pid \d+\) runs on docker, not kubernetes/,
    );
    expect(code).toBe(2);
  });

  it('another stack’s name is not this serve: nothing running, with a pointer to --stack', async () => {
    const { code, stderr } = await cli([
      '--stack',
      'cli-export-none',
      'export',
      '--out',
      path.join(root, 'n.json'),
    ]);
    expect(stderr).toMatch(/nothing is recording stack "cli-export-none"/);
    expect(stderr).toMatch(/a serve runs for stack "cli-export-a": add --stack cli-export-a/);
    expect(code).toBe(1);
  });
});

describe('a shared serve', () => {
  it('keeps its token out of the runtime file, and export still reads it (reads need no token)', async () => {
    const stack = 'cli-export-share';
    const serve = await startServe({ stack, env: env(), args: ['--share', '--host', '127.0.0.1'] });
    try {
      const token = (await serve.waitForStderr(/Bearer (\S+)/))[1]!;
      const text = await readFile(fileOf(stack), 'utf8');
      expect(text).not.toContain(token);
      expect(JSON.parse(text)).toMatchObject({ share: true, pid: serve.pid });
      const out = path.join(root, 'shared.json');
      const { code, stdout, stderr } = await cli(['--stack', stack, 'export', '--out', out]);
      expect(code).toBe(0);
      expect(`${stdout}${stderr}`).not.toContain(token);
      expect(parseExport(await readFile(out, 'utf8'), 'shared.json').recording).not.toBeNull();
    } finally {
      await serve.stop();
    }
  });
});

describe('when serve stops or is gone', () => {
  it('SIGTERM removes the runtime file; export then says nothing is running and exits 1', async () => {
    const stack = 'cli-export-stop';
    const serve = await startServe({ stack, env: env() });
    expect(await exists(fileOf(stack))).toBe(true);
    expect(await serve.stop()).toBe(0);
    expect(await exists(fileOf(stack))).toBe(false);
    const { code, stderr } = await cli([
      '--stack',
      stack,
      'export',
      '--out',
      path.join(root, 'stopped.json'),
    ]);
    expect(stderr).toMatch(/nothing is recording stack "cli-export-stop"/);
    expect(code).toBe(1);
  });

  it('a stale file (its pid gone) is ignored by export and replaced by the next serve', async () => {
    const stack = 'cli-export-stale';
    const stalePid = await deadPid();
    await writeFile(
      fileOf(stack),
      JSON.stringify({
        version: 1,
        url: 'http://127.0.0.1:9/',
        stack,
        target: { kind: 'docker' },
        pid: stalePid,
        startedAt: new Date().toISOString(),
        share: false,
      }),
      { mode: 0o600 },
    );
    const stale = await cli(['--stack', stack, 'explain']);
    expect(stale.stderr).toMatch(/nothing is recording stack "cli-export-stale"/);
    expect(stale.code).toBe(1);
    const serve = await startServe({ stack, env: env() });
    try {
      const announced = JSON.parse(await readFile(fileOf(stack), 'utf8')) as { pid: number; url: string };
      expect(announced.pid).toBe(serve.pid);
      expect(announced.url).toBe(serve.url);
      expect((await stat(fileOf(stack))).mode & 0o777).toBe(0o600);
      expect((await cli(['--stack', stack, 'explain'])).code).toBe(0);
    } finally {
      await serve.stop();
    }
  });
});

describe('nothing running, and bad flags', () => {
  it('export and explain say that nothing runs and how to start one; exit 1', async () => {
    const exported = await cli([
      '--stack',
      'cli-export-idle',
      'export',
      '--out',
      path.join(root, 'idle.json'),
    ]);
    expect(exported.stderr).toMatch(
      /^scaledeck: nothing is recording stack "cli-export-idle": no `scaledeck serve` of it is running \(none announced in .+\)\. Start one in another terminal with `scaledeck serve --stack cli-export-idle` and keep it running/,
    );
    expect(exported.stderr).toMatch(
      /or record from this terminal with `scaledeck export --out FILE --attach SECONDS`/,
    );
    expect(exported.code).toBe(1);
    expect(await exists(path.join(root, 'idle.json'))).toBe(false);
    const explained = await cli(['explain']);
    expect(explained.stderr).toMatch(
      /nothing is recording stack "default".*Start one in another terminal with `scaledeck serve` and/,
    );
    expect(explained.stderr).toMatch(/or give --recording FILE/);
    expect(explained.code).toBe(1);
  });

  it('bad flags name the flag and exit 2', async () => {
    const noOut = await cli(['export']);
    expect(noOut.stderr).toMatch(/required option '--out <file>' not specified/);
    expect(noOut.code).toBe(2);
    const last = await cli(['explain', '--last', '0']);
    expect(last.stderr).toMatch(/--last must be at least 1, got 0/);
    expect(last.code).toBe(2);
    const stack = await cli(['--stack', '../etc', 'explain']);
    expect(stack.stderr).toMatch(/--stack: must be 1-30 characters/);
    expect(stack.code).toBe(2);
  });
});
