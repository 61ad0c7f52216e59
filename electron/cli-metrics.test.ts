/**
 * The autoscale command's metric flags: --cpu alone is today's input, the traffic flags build a
 * metrics list, bad values are refused naming the flag (by the real CLI, before any engine), and
 * status says which metrics are in effect.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { metricsInput, metricsText } from './cli-metrics.ts';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, 'cli.ts');

async function cliRefusal(args: string[]): Promise<{ code: number; stderr: string }> {
  const error = await run(process.execPath, [CLI, '--stack', 'never-deployed', 'autoscale', ...args], {
    env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock' },
  }).then(
    () => null,
    (e: unknown) => e as { code: number; stderr: string },
  );
  if (error === null) throw new Error('expected the CLI to refuse');
  return error;
}

describe('autoscale metric flags', () => {
  it('--cpu alone sends today’s targetCpuUtilizationPercent, nothing else', () => {
    expect(metricsInput({ cpu: 70 })).toEqual({ targetCpuUtilizationPercent: 70 });
  });

  it('--rps-per-replica and --p95-ms build a list, with --cpu when given', () => {
    expect(metricsInput({ rpsPerReplica: 50 })).toEqual({
      metrics: [{ metric: 'rpsPerReplica', target: 50 }],
    });
    expect(metricsInput({ cpu: 60, rpsPerReplica: 50, p95Ms: 200 })).toEqual({
      metrics: [
        { metric: 'cpu', target: 60 },
        { metric: 'rpsPerReplica', target: 50 },
        { metric: 'p95LatencyMs', target: 200 },
      ],
    });
  });

  it('status: CPU only reads as before; several metrics are listed with the rule', () => {
    expect(metricsText({ targetCpuUtilizationPercent: 70 })).toBe('at 70% CPU');
    expect(
      metricsText({
        targetCpuUtilizationPercent: 70,
        metrics: [
          { metric: 'rpsPerReplica', target: 50 },
          { metric: 'cpu', target: 70 },
        ],
      }),
    ).toBe('on 50 req/s per replica, 70% CPU (the largest proposal wins)');
    expect(
      metricsText({ targetCpuUtilizationPercent: 50, metrics: [{ metric: 'p95LatencyMs', target: 200 }] }),
    ).toBe('on p95 200 ms');
  });

  it('the real CLI refuses a target of 0 naming the flag, before reaching an engine', async () => {
    const error = await cliRefusal(['--min', '1', '--max', '3', '--rps-per-replica', '0']);
    expect(error.code).toBe(2);
    expect(error.stderr).toMatch(/--rps-per-replica must be above 0, got 0/);
    const notNumber = await cliRefusal(['--min', '1', '--max', '3', '--p95-ms', 'fast']);
    expect(notNumber.code).toBe(2);
    expect(notNumber.stderr).toMatch(/--p95-ms must be a number, got "fast"/);
  });

  it('the real CLI asks for a target when none is given', async () => {
    const error = await cliRefusal(['--min', '1', '--max', '3']);
    expect(error.code).toBe(2);
    expect(error.stderr).toMatch(/--cpu: give at least one target .*--cpu, --rps-per-replica or --p95-ms/);
  });
});
