/**
 * The scenario file's schema: a short, readable list of timed steps. Built from the settings'
 * limits (maxReplicas, maxLoadRps) so a file that asks for more than the session allows is refused
 * before anything starts. The autoscaler step takes exactly the autoscaler:set input.
 */
import { z } from 'zod';
import { CHAOS_TARGETS, commandSchemas } from '../contract.ts';

export interface ScenarioLimits {
  maxReplicas: number;
  maxLoadRps: number;
}

/** "2x" / "2×" / "0.5x": a multiple of the rate one replica holds at the CPU target (calibration). */
const RELATIVE_RATE = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*[x×]\s*$/i;

export type RateSpec = { kind: 'rps'; value: number } | { kind: 'relative'; factor: number };

const RATE_HELP = 'must be req/s (a number) or a multiple of one replica’s rate such as "2x"';

function rateSchema(maxLoadRps: number) {
  return z.union([z.number(), z.string()], RATE_HELP).transform((value, ctx): RateSpec => {
    if (typeof value === 'number') {
      if (!Number.isFinite(value) || value < 0)
        ctx.addIssue({ code: 'custom', message: 'must be at least 0' });
      else if (value > maxLoadRps)
        ctx.addIssue({ code: 'custom', message: `must be at most ${maxLoadRps} (settings.maxLoadRps)` });
      return { kind: 'rps', value };
    }
    const match = RELATIVE_RATE.exec(value);
    if (match === null) {
      ctx.addIssue({ code: 'custom', message: `${RATE_HELP}, not "${value}"` });
      return { kind: 'relative', factor: 0 };
    }
    const factor = Number(match[1]);
    if (factor > 100) ctx.addIssue({ code: 'custom', message: 'must be at most 100x' });
    return { kind: 'relative', factor };
  });
}

const seconds = (what: string) =>
  z
    .number(`must be a number of seconds (${what})`)
    .finite('must be a finite number of seconds')
    .positive('must be more than 0')
    .max(3600, 'must be at most 3600 (an hour)');

const weight = z.number('must be a number').finite().min(0, 'must be at least 0');
const mixSchema = z.strictObject({
  getUser: weight.optional(),
  listUsers: weight.optional(),
  signUp: weight.optional(),
  token: weight.optional(),
});

function loadSchema(limits: ScenarioLimits) {
  const rate = rateSchema(limits.maxLoadRps);
  return z.union(
    [
      z.literal('stop'),
      z
        .strictObject({
          /** The rate from the step's start (a ramp starts here); without it the ramp starts at the current rate. */
          rate: rate.optional(),
          ramp: z.strictObject({ to: rate, over: seconds('how long the ramp takes') }).optional(),
          mix: mixSchema.optional(),
          /** Zipf exponent of the read keys: high = a few hot keys (cache hits), 0 = uniform (cold keys). */
          zipf: z
            .number('must be a number')
            .finite()
            .min(0, 'must be between 0 and 5')
            .max(5, 'must be between 0 and 5')
            .optional(),
        })
        .refine(
          (v) => v.rate !== undefined || v.ramp !== undefined || v.mix !== undefined || v.zipf !== undefined,
          {
            message: 'give at least one of rate, ramp, mix, zipf (or "stop")',
          },
        ),
    ],
    'must be "stop" or an object with rate, ramp, mix or zipf',
  );
}

const chaosSchema = z
  .strictObject({
    kill: z.enum(CHAOS_TARGETS, 'must be one of replica, redis, postgres').optional(),
    /** Which replica to kill; a random one without it. */
    replica: z.string('must be a replica name').min(1, 'must be a replica name').optional(),
    restore: z.enum(['redis', 'postgres'], 'must be redis or postgres').optional(),
  })
  .refine((c) => (c.kill === undefined) !== (c.restore === undefined), {
    message: 'give either kill (replica, redis, postgres) or restore (redis, postgres)',
  })
  .refine((c) => c.replica === undefined || c.kill === 'replica', {
    message: 'only applies with kill: replica',
    path: ['replica'],
  });

const within = z.strictObject({ within: seconds('the deadline, from the step’s start') });

function expectSchema(maxReplicas: number) {
  const count = z
    .int('must be a whole number')
    .min(0, 'must be at least 0')
    .max(maxReplicas, `must be at most ${maxReplicas} (settings.maxReplicas)`);
  const ratio = z
    .number('must be a number')
    .finite()
    .min(0, 'must be between 0 and 1')
    .max(1, 'must be between 0 and 1');
  return z
    .strictObject({
      /** The autoscaler raises the replica count (a scale event from the autoscaler, up). */
      scalesOut: within.optional(),
      scalesIn: within.optional(),
      /** Ready replicas reach the range. */
      replicas: z
        .strictObject({ atLeast: count.optional(), atMost: count.optional(), within: within.shape.within })
        .refine((v) => v.atLeast !== undefined || v.atMost !== undefined, {
          message: 'give atLeast, atMost or both',
        })
        .refine((v) => v.atLeast === undefined || v.atMost === undefined || v.atLeast <= v.atMost, {
          message: 'must not exceed atMost',
          path: ['atLeast'],
        })
        .optional(),
      /** Every part healthy and ready = desired (the stack's phase is running). */
      healthy: within.optional(),
      /** Over the whole step, at the load generator. */
      noFailedRequests: z.literal(true, 'must be true (leave it out otherwise)').optional(),
      /** Over the whole step: failed / completed requests, in percent. */
      failedRequests: z
        .strictObject({
          atMostPercent: z
            .number('must be a number')
            .finite()
            .min(0, 'must be between 0 and 100')
            .max(100, 'must be between 0 and 100'),
        })
        .optional(),
      /** Over the whole step: the load generator's GET /users/:id cache hits / (hits + misses). */
      cacheHitRatio: z
        .strictObject({ atLeast: ratio.optional(), atMost: ratio.optional() })
        .refine((v) => v.atLeast !== undefined || v.atMost !== undefined, {
          message: 'give atLeast, atMost or both',
        })
        .optional(),
    })
    .refine((v) => Object.keys(v).length > 0, { message: 'declare at least one expectation' });
}

function stepSchema(limits: ScenarioLimits) {
  const commands = commandSchemas(limits.maxReplicas);
  return z.strictObject({
    for: seconds('how long the step lasts'),
    caption: z
      .string('must be text')
      .trim()
      .min(1, 'must not be empty')
      .max(300, 'must be at most 300 characters')
      .optional(),
    load: loadSchema(limits).optional(),
    autoscaler: commands.setAutoscaler.optional(),
    /**
     * Manual replica count. Applied after an autoscaler off and before an autoscaler on in the same
     * step; without an autoscaler action here it is refused while an autoscaler owns the count.
     */
    scale: commands.scale.shape.replicas.optional(),
    chaos: chaosSchema.optional(),
    expect: expectSchema(limits.maxReplicas).optional(),
    /**
     * Move on as soon as every expectation of this step with a deadline is met (or missed),
     * instead of waiting out "for": a demo that goes on once the room has seen the effect.
     */
    endsWhenMet: z.boolean('must be true or false').optional(),
  });
}

export function scenarioSchema(limits: ScenarioLimits) {
  return z.strictObject({
    name: z
      .string('must be a name such as my-demo')
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes, such as my-demo'),
    title: z
      .string('must be text')
      .trim()
      .min(1, 'must not be empty')
      .max(120, 'must be at most 120 characters'),
    description: z.string('must be text').trim().max(2000, 'must be at most 2000 characters').default(''),
    /**
     * The CPU target (percent) relative rates are sized for when no step turns the autoscaler on;
     * default: the first autoscaler step's target, else the stack's autoscaler, else 50.
     */
    autoscalerTarget: z
      .int('must be a whole number')
      .min(1, 'must be between 1 and 100')
      .max(100, 'must be between 1 and 100')
      .optional(),
    /** The probe that sizes relative rates: its rate (req/s) and how long it runs. */
    calibration: z
      .strictObject({
        rps: z
          .number('must be a number')
          .finite()
          .positive('must be more than 0')
          .max(limits.maxLoadRps, `must be at most ${limits.maxLoadRps} (settings.maxLoadRps)`)
          .optional(),
        seconds: z
          .number('must be a number')
          .finite()
          .min(5, 'must be at least 5')
          .max(120, 'must be at most 120')
          .optional(),
      })
      .optional(),
    steps: z
      .array(stepSchema(limits), 'must be a list of steps')
      .min(1, 'must have at least one step')
      .max(100, 'must have at most 100 steps'),
  });
}

export type ScenarioFile = z.output<ReturnType<typeof scenarioSchema>>;
export type ScenarioStep = ScenarioFile['steps'][number];
export type LoadAction = NonNullable<ScenarioStep['load']>;
export type LoadSetting = Exclude<LoadAction, 'stop'>;
export type ChaosAction = NonNullable<ScenarioStep['chaos']>;
export type StepExpectations = NonNullable<ScenarioStep['expect']>;
