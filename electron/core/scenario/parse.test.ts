import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import { BUILTIN_SCENARIOS } from './builtins/index.ts';
import { describeSteps, summarize } from './describe.ts';
import { parseScenario, usesRelativeRates } from './parse.ts';

const limits = { maxReplicas: 20, maxLoadRps: 10_000 };

const GOOD = `
name: my-demo
title: My demo
steps:
  - for: 10
    caption: Start
    autoscaler: { enabled: true, minReplicas: 1, maxReplicas: 4, targetCpuUtilizationPercent: 50, profile: demo }
    load: { rate: 1x, mix: { getUser: 90, signUp: 10 }, zipf: 1.5 }
  - for: 20
    load: { ramp: { to: "2.5×", over: 20 } }
    expect: { scalesOut: { within: 25 }, noFailedRequests: true }
  - for: 10
    chaos: { kill: replica }
    expect: { healthy: { within: 10 }, replicas: { atLeast: 2, within: 10 } }
  - for: 5
    load: stop
`;

/** The ValidationError a bad file gets: its field and message. */
function refusal(text: string): { field: string | undefined; message: string } {
  try {
    parseScenario(text, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    const validation = error as ValidationError;
    return { field: validation.field, message: validation.message };
  }
  throw new Error('the file was accepted');
}

/** GOOD with one line replaced. */
function withLine(from: string, to: string): string {
  expect(GOOD).toContain(from);
  return GOOD.replace(from, to);
}

describe('parseScenario: good files', () => {
  it('reads YAML with relative and absolute rates, ramps, chaos and expectations', () => {
    const file = parseScenario(GOOD, limits);
    expect(file.name).toBe('my-demo');
    expect(file.description).toBe('');
    expect(file.steps).toHaveLength(4);
    expect(file.steps[0]?.load).toEqual({
      rate: { kind: 'relative', factor: 1 },
      mix: { getUser: 90, signUp: 10 },
      zipf: 1.5,
    });
    expect(file.steps[1]?.load).toEqual({ ramp: { to: { kind: 'relative', factor: 2.5 }, over: 20 } });
    expect(file.steps[3]?.load).toBe('stop');
    // The autoscaler step carries the whole behavior in effect, as autoscaler:set returns it.
    const autoscaler = file.steps[0]?.autoscaler;
    expect(autoscaler?.enabled && autoscaler.behavior.scaleDown.stabilizationWindowSeconds).toBe(30);
    expect(usesRelativeRates(file)).toBe(true);
  });

  it('reads JSON, and needs no calibration with absolute rates only', () => {
    const file = parseScenario(
      JSON.stringify({
        name: 'json-one',
        title: 'JSON',
        steps: [{ for: 5, load: { rate: 40 }, expect: { failedRequests: { atMostPercent: 1 } } }],
      }),
      limits,
    );
    expect(file.steps[0]?.load).toEqual({ rate: { kind: 'rps', value: 40 } });
    expect(usesRelativeRates(file)).toBe(false);
  });

  it('describes the steps in words, in req/s once calibrated', () => {
    const file = parseScenario(GOOD, limits);
    const before = describeSteps(file, null);
    expect(before[1]?.actions).toEqual(['load ramps to 2.5× over 20 s']);
    const after = describeSteps(file, 28);
    expect(after[1]?.actions).toEqual(['load ramps to 2.5× (70 req/s) over 20 s']);
    expect(after[1]?.expects).toEqual(['scales out within 25 s', 'no failed requests during the step']);
    expect(after[2]).toMatchObject({
      caption: null,
      seconds: 10,
      actions: ['kill a replica'],
      expects: ['at least 2 ready replicas within 10 s', 'every part healthy within 10 s'],
    });
    expect(summarize(file)).toMatchObject({ name: 'my-demo', seconds: 45, steps: 4 });
  });

  it('parses every built-in, each of them named as its key', () => {
    for (const [name, text] of Object.entries(BUILTIN_SCENARIOS)) {
      const file = parseScenario(text, limits);
      expect(file.name).toBe(name);
      expect(file.description.length).toBeGreaterThan(20);
      expect(file.steps.every((step) => step.caption !== undefined)).toBe(true);
    }
  });
});

describe('parseScenario: bad files name the step and field', () => {
  it.each([
    ['over: 20', 'over: 0', 'steps[1].load.ramp.over', 'must be more than 0'],
    ['rate: 1x,', 'rate: fast,', 'steps[0].load.rate', 'must be req/s (a number) or a multiple'],
    ['rate: 1x,', 'rate: 20000,', 'steps[0].load.rate', 'must be at most 10000 (settings.maxLoadRps)'],
    [
      'maxReplicas: 4,',
      'maxReplicas: 40,',
      'steps[0].autoscaler.maxReplicas',
      'at most 20 (settings.maxReplicas)',
    ],
    ['profile: demo', 'profile: fast', 'steps[0].autoscaler.profile', ''],
    ['kill: replica', 'kill: nginx', 'steps[2].chaos.kill', 'must be one of replica, redis, postgres'],
    ['within: 25', 'within: -1', 'steps[1].expect.scalesOut.within', 'must be more than 0'],
    ['atLeast: 2', 'atLeast: 2.5', 'steps[2].expect.replicas.atLeast', 'must be a whole number'],
    ['  - for: 5', '  - for: "5 s"', 'steps[3].for', 'must be a number of seconds'],
    ['caption: Start', 'captoin: Start', 'steps[0].captoin', 'is not a field here'],
    ['noFailedRequests: true', 'noFailedRequests: false', 'steps[1].expect.noFailedRequests', 'must be true'],
  ])('%s → %s', (from, to, field, message) => {
    const refused = refusal(withLine(from, to));
    expect(refused.field).toBe(field);
    expect(refused.message).toContain(message);
    expect(refused.message.startsWith(`${field}: `)).toBe(true);
  });

  it('a ramp longer than its step', () => {
    expect(refusal(withLine('over: 20', 'over: 30'))).toEqual({
      field: 'steps[1].load.ramp.over',
      message: expect.stringContaining('at most the step’s 20 s') as unknown as string,
    });
  });

  it('a deadline past the end of the scenario', () => {
    const refused = refusal(withLine('healthy: { within: 10 }', 'healthy: { within: 30 }'));
    expect(refused.field).toBe('steps[2].expect.healthy.within');
    expect(refused.message).toContain('must be at most 15 s');
  });

  it('a chaos step with both kill and restore, a replica name for Redis', () => {
    expect(refusal(withLine('kill: replica', 'kill: redis, restore: redis')).field).toBe('steps[2].chaos');
    expect(refusal(withLine('kill: replica', 'kill: redis, replica: r1')).field).toBe(
      'steps[2].chaos.replica',
    );
  });

  it('endsWhenMet without an expectation that has a deadline', () => {
    expect(refusal(withLine('  - for: 5', '  - for: 5\n    endsWhenMet: true')).field).toBe(
      'steps[3].endsWhenMet',
    );
  });

  it('a missing name, no steps, a bad name', () => {
    expect(refusal('title: x\nsteps: [{ for: 1 }]').field).toBe('name');
    expect(refusal('name: a\ntitle: x\nsteps: []')).toMatchObject({ field: 'steps' });
    expect(refusal('name: My Demo\ntitle: x\nsteps: [{ for: 1 }]').message).toContain('lower-case');
  });

  it('YAML syntax errors say line and column', () => {
    const refused = refusal('name: a\ntitle: x\nsteps:\n  - for: [1, 2\n');
    expect(refused.field).toBe('source');
    expect(refused.message).toMatch(/line \d+, column \d+: /);
    expect(refusal('name: a\nname: b\ntitle: x\nsteps: [{ for: 1 }]').message).toContain('line 2, column 1');
  });

  it('a file that is not a mapping', () => {
    expect(refusal('- just\n- a list\n').field).toBe('source');
  });
});
