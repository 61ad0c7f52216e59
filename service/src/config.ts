import { hostname } from 'node:os';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const bool = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');

const urlWithScheme = (schemes: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return schemes.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${schemes.map((s) => `${s}//`).join(' or ')}`,
  );

const envSchema = z
  .object({
    PORT: int(1, 65535).default(8080),
    DATABASE_URL: urlWithScheme(['postgres:', 'postgresql:']),
    REDIS_URL: urlWithScheme(['redis:', 'rediss:']),
    JWT_SECRET: z.string().refine((s) => Buffer.byteLength(s, 'utf8') >= 32, 'must be at least 32 bytes'),
    JWT_TTL_SECONDS: int(60, 7 * 24 * 3600).default(3600),
    ADMIN_EMAIL: z.email('must be an email address').optional(),
    ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').max(128).optional(),
    REPLICA_ID: z.string().min(1).max(128).default(hostname()),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    SCRYPT_COST: int(2, 2 ** 20)
      .refine((n) => (n & (n - 1)) === 0, 'must be a power of two')
      .default(16384),
    CACHE_TTL_SECONDS: int(1, 86400).default(60),
    RATE_LIMIT_PER_SECOND: int(0, 1_000_000).default(50),
    TRUST_PROXY: bool.default(false),
    DB_POOL_MAX: int(1, 200).default(10),
    SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(10_000),
    REDIS_BREAKER_RESET_MS: int(100, 600_000).default(5_000),
  })
  .superRefine((env, ctx) => {
    // A half-configured admin would silently not exist; say which half is missing.
    if (env.ADMIN_EMAIL && !env.ADMIN_PASSWORD) {
      ctx.addIssue({
        code: 'custom',
        path: ['ADMIN_PASSWORD'],
        message: 'is required when ADMIN_EMAIL is set',
      });
    }
    if (env.ADMIN_PASSWORD && !env.ADMIN_EMAIL) {
      ctx.addIssue({
        code: 'custom',
        path: ['ADMIN_EMAIL'],
        message: 'is required when ADMIN_PASSWORD is set',
      });
    }
  });

export interface Config {
  port: number;
  databaseUrl: string;
  redisUrl: string;
  jwtSecret: Uint8Array;
  jwtTtlSeconds: number;
  admin: { email: string; password: string } | null;
  replicaId: string;
  logLevel: (typeof LOG_LEVELS)[number];
  scryptCost: number;
  cacheTtlSeconds: number;
  rateLimitPerSecond: number;
  trustProxy: boolean;
  dbPoolMax: number;
  shutdownTimeoutMs: number;
  redisBreakerResetMs: number;
}

export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(`${variable} ${message}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

/** Reads the environment; throws a ConfigError naming the first bad variable (never echoing its value). */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  // An empty variable is how shells and compose files say "unset"; treat it so.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    const message =
      issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
    throw new ConfigError(variable, message);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    jwtSecret: new TextEncoder().encode(e.JWT_SECRET),
    jwtTtlSeconds: e.JWT_TTL_SECONDS,
    admin:
      e.ADMIN_EMAIL && e.ADMIN_PASSWORD
        ? { email: e.ADMIN_EMAIL.toLowerCase(), password: e.ADMIN_PASSWORD }
        : null,
    replicaId: e.REPLICA_ID,
    logLevel: e.LOG_LEVEL,
    scryptCost: e.SCRYPT_COST,
    cacheTtlSeconds: e.CACHE_TTL_SECONDS,
    rateLimitPerSecond: e.RATE_LIMIT_PER_SECOND,
    trustProxy: e.TRUST_PROXY,
    dbPoolMax: e.DB_POOL_MAX,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    redisBreakerResetMs: e.REDIS_BREAKER_RESET_MS,
  };
}
