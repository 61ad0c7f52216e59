/**
 * The real CLI's `whatif` and `explain` on a recording file (made by running the real
 * HorizontalAutoscaler over a short trace), and its refusals: bad flags exit 2 naming the flag.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HorizontalAutoscaler, type AutoscalerSpec, type PodSample } from './core/autoscaler.ts';
import { DecisionRecorder } from './core/decisions/recording.ts';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, 'cli.ts');
const T0 = Date.UTC(2026, 0, 1);

let dir = '';
let file = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'scaledeck-whatif-'));
  file = path.join(dir, 'recording.json');
  const spec: AutoscalerSpec = {
    minReplicas: 1,
    maxReplicas: 10,
    targetCpuUtilizationPercent: 80,
    profile: 'kubernetes',
  };
  const pods = (cpu: number): PodSample[] =>
    ['a', 'b'].map((name) => ({ name, ready: true, startedAt: T0 - 3_600_000, cpuUtilizationPercent: cpu }));
  const hpa = new HorizontalAutoscaler(spec);
  const recorder = new DecisionRecorder('docker');
  for (const [at, cpu] of [
    [T0, 50],
    [T0 + 15_000, 100],
    [T0 + 30_000, 100],
  ] as const) {
    const decision = hpa.decide(at, 2, pods(cpu));
    recorder.record({
      at,
      spec,
      currentReplicas: 2,
      pods: pods(cpu),
      desiredReplicas: decision.desiredReplicas,
    });
  }
  await writeFile(file, JSON.stringify({ recording: recorder.recording() }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // An empty runtime folder of its own: a `scaledeck serve` running on this machine is not "nothing running".
  const env = { ...process.env, SCALEDECK_RUNTIME_DIR: path.join(dir, 'run') };
  return run(process.execPath, [CLI, ...args], { env, timeout: 120_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe('scaledeck whatif / explain', () => {
  it('whatif --json prints the actual and the hypothetical count per sync', async () => {
    const { code, stdout, stderr } = await cli(['whatif', '--recording', file, '--cpu', '50', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as {
      actual: { at: number; replicas: number }[];
      whatIf: { at: number; replicas: number }[];
      summary: { text: string };
    };
    // Recorded at 80 %: 100/80 = 1.25 → ceil(2.5) = 3. At 50 %: 100/50 = 2 → 4.
    expect(result.actual.map(({ at, replicas }) => ({ at, replicas }))).toEqual([
      { at: T0, replicas: 2 },
      { at: T0 + 15_000, replicas: 3 },
      { at: T0 + 30_000, replicas: 3 },
    ]);
    expect(result.whatIf.map((point) => point.replicas)).toEqual([2, 4, 4]);
    expect(result.summary.text).toMatch(
      /would have reached 3 replicas at the same time; \d+ % more replica-seconds/,
    );
  });

  it('explain --recording writes out the formula', async () => {
    const { code, stdout } = await cli(['explain', '--recording', file, '--last', '1']);
    expect(code).toBe(0);
    expect(stdout).toContain('ceil(2 × 100 % / 80 %) = ceil(2.5) = 3');
  });

  it('bad flags exit 2 and name the flag', async () => {
    const notNumber = await cli(['whatif', '--recording', file, '--cpu', 'lots']);
    expect(notNumber.code).toBe(2);
    expect(notNumber.stderr).toContain('--cpu');
    const minAboveMax = await cli(['whatif', '--recording', file, '--min', '20']);
    expect(minAboveMax.code).toBe(2);
    expect(minAboveMax.stderr).toMatch(/--min: maxReplicas must be greater than or equal to minReplicas/);
    const missing = await cli(['whatif', '--recording', path.join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--recording: cannot read/);
    const noRecording = await cli(['whatif']);
    expect(noRecording.code).toBe(2);
    expect(noRecording.stderr).toContain('--recording');
  });

  it('explain and export without a recording, a controller or a running serve say so', async () => {
    const explain = await cli(['explain']);
    expect(explain.code).toBe(1);
    expect(explain.stderr).toMatch(/nothing is recording stack "default".*or give --recording FILE/);
    const exported = await cli(['export', '--out', path.join(dir, 'out.json')]);
    expect(exported.code).toBe(1);
    expect(exported.stderr).toMatch(/nothing is recording stack "default".*--attach SECONDS/);
  });
});
