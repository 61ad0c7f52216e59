/**
 * The autoscale command's behavior flags: what they build, what they refuse (naming the flag or
 * the field), and the real CLI refusing a bad window before it reaches any engine.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { behaviorFromFlags, describeBehavior } from './cli-behavior.ts';
import { PROFILES } from './core/autoscaler.ts';
import { ValidationError } from './core/errors.ts';

const run = promisify(execFile);

async function refusal(flags: Parameters<typeof behaviorFromFlags>[0]): Promise<ValidationError> {
  const error = await behaviorFromFlags(flags).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('autoscale behavior flags', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'scaledeck-behavior-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('no flag: no behavior (the profile decides)', async () => {
    expect(await behaviorFromFlags({})).toBeUndefined();
  });

  it('the window flags set just those fields', async () => {
    expect(await behaviorFromFlags({ scaleDownWindow: 60 })).toEqual({
      scaleDown: { stabilizationWindowSeconds: 60 },
    });
    expect(await behaviorFromFlags({ scaleUpWindow: 5, scaleDownWindow: 0 })).toEqual({
      scaleUp: { stabilizationWindowSeconds: 5 },
      scaleDown: { stabilizationWindowSeconds: 0 },
    });
  });

  it('JSON from --behavior or --behavior-file, with the window flags on top', async () => {
    const json = {
      scaleDown: { selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 30 }] },
    };
    expect(await behaviorFromFlags({ behavior: JSON.stringify(json), scaleDownWindow: 90 })).toEqual({
      scaleDown: { ...json.scaleDown, stabilizationWindowSeconds: 90 },
    });
    const file = path.join(dir, 'behavior.json');
    await writeFile(file, JSON.stringify(json));
    expect(await behaviorFromFlags({ behaviorFile: file })).toEqual(json);
  });

  it('refuses bad input naming the flag or the field', async () => {
    expect((await refusal({ behavior: '{scaleDown:' })).field).toBe('--behavior');
    expect((await refusal({ behavior: '{}', behaviorFile: 'x.json' })).field).toBe('--behavior-file');
    expect((await refusal({ behaviorFile: path.join(dir, 'missing.json') })).field).toBe('--behavior-file');
    const window = await refusal({ scaleDownWindow: 3601 });
    expect(window.field).toBe('behavior.scaleDown.stabilizationWindowSeconds');
    expect(window.message).toMatch(/between 0 and 3600/);
    const period = await refusal({
      behavior: JSON.stringify({ scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 0 }] } }),
    });
    expect(period.field).toBe('behavior.scaleUp.policies.0.periodSeconds');
    expect((await refusal({ behavior: '[1]' })).field).toBe('behavior');
  });

  it('status prints both directions', () => {
    expect(describeBehavior(PROFILES.kubernetes.behavior)).toEqual([
      '  scale-up: window 0s, Max of [Percent 100/15s, Pods 4/15s]',
      '  scale-down: window 300s, Max of [Percent 100/15s]',
    ]);
  });

  it('the real CLI exits 2 on a window out of range, naming the field, before reaching an engine', async () => {
    const cli = path.resolve(import.meta.dirname, 'cli.ts');
    const error = await run(
      process.execPath,
      [
        cli,
        '--stack',
        'never-deployed',
        'autoscale',
        '--min',
        '1',
        '--max',
        '3',
        '--cpu',
        '50',
        '--scale-down-window',
        '4000',
      ],
      { env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock' } },
    ).then(
      () => null,
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect(error?.code).toBe(2);
    expect(error?.stderr).toMatch(
      /behavior\.scaleDown\.stabilizationWindowSeconds: must be between 0 and 3600/,
    );
  });
});
