import { z } from 'zod';
import { CLIENT_MODELS } from './client-model.ts';

export const OPERATIONS = ['getUser', 'listUsers', 'signUp', 'token'] as const;
export type Operation = (typeof OPERATIONS)[number];
export type OperationMix = Record<Operation, number>;

/** Reads dominate so the cache matters; a few scrypt-heavy calls give the autoscaler CPU to see. */
export const DEFAULT_MIX: OperationMix = { getUser: 85, listUsers: 10, signUp: 2, token: 3 };

const weight = z.number().finite().min(0);

export const clientModelSchema = z.enum(
  CLIENT_MODELS,
  "must be 'many' (many short-lived clients) or 'few' (few long-lived clients)",
);

export const mixSchema = z
  .object({ getUser: weight, listUsers: weight, signUp: weight, token: weight })
  .partial()
  .strict();

export const loadOptionsSchema = z
  .object({
    baseUrl: z.string().min(1),
    /** Requests per second at start (0 pauses). */
    rate: z.number().finite().min(0),
    /** Ceiling for setRate(); defaults to max(rate, 1000). */
    maxRate: z.number().finite().positive().max(100_000).optional(),
    /** Requests in flight at most; beyond it a due request is dropped and counted, never queued. */
    concurrency: z.number().int().min(1).max(10_000).default(256),
    durationSeconds: z
      .number()
      .finite()
      .positive()
      .max(24 * 3600),
    mix: mixSchema.default({}),
    /** Zipf exponent for GET /users/:id keys; 0 = uniform. */
    zipfExponent: z.number().finite().min(0).max(5).default(1.1),
    /** User ids to read; when absent they are listed from GET /users (up to maxKeys). */
    keys: z.array(z.string().min(1)).min(1).optional(),
    maxKeys: z.number().int().min(1).max(100_000).default(1000),
    /** Users signed up at start whose tokens authenticate the reads and whose logins are replayed. */
    tokenUsers: z.number().int().min(1).max(100).default(4),
    requestTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    /** Who the traffic looks like to the load balancer (client-model.ts): many short-lived or few long-lived clients. */
    clients: clientModelSchema.default('many'),
    /** Only loopback/private targets unless true. */
    allowPublicTarget: z.boolean().default(false),
  })
  .strict()
  .refine((o) => o.maxRate === undefined || o.rate <= o.maxRate, {
    message: 'must not exceed maxRate',
    path: ['rate'],
  });

export type LoadOptionsInput = z.input<typeof loadOptionsSchema>;
export type LoadOptions = z.output<typeof loadOptionsSchema> & { maxRate: number; mix: OperationMix };

export class LoadOptionsError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'LoadOptionsError';
    this.field = field;
  }
}

export function zodToOptionsError(error: z.ZodError, prefix = ''): LoadOptionsError {
  const issue = error.issues[0];
  let field = issue?.path.join('.') ?? '';
  let message = issue?.message ?? 'invalid';
  if (issue?.code === 'unrecognized_keys') {
    field = [field, issue.keys[0]].filter(Boolean).join('.');
    message = 'unknown field';
  }
  return new LoadOptionsError([prefix, field].filter(Boolean).join('.') || 'options', message);
}

export function mergeMix(base: OperationMix, patch: Partial<OperationMix>): OperationMix {
  const mix = { ...base };
  for (const op of OPERATIONS) {
    const value = patch[op];
    if (value !== undefined) mix[op] = value;
  }
  if (OPERATIONS.every((op) => mix[op] === 0))
    throw new LoadOptionsError('mix', 'at least one weight must be > 0');
  return mix;
}

export function parseLoadOptions(input: unknown): LoadOptions {
  const parsed = loadOptionsSchema.safeParse(input);
  if (!parsed.success) throw zodToOptionsError(parsed.error);
  const options = parsed.data;
  return {
    ...options,
    maxRate: options.maxRate ?? Math.max(options.rate, 1000),
    mix: mergeMix(DEFAULT_MIX, options.mix),
  };
}
