import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const valid = {
  DATABASE_URL: 'postgres://u@127.0.0.1:5432/db',
  REDIS_URL: 'redis://127.0.0.1:6379',
  JWT_SECRET: 'k'.repeat(32),
};

function errorFor(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(valid);
    expect(config).toMatchObject({
      port: 8080,
      scryptCost: 16384,
      cacheTtlSeconds: 60,
      rateLimitPerSecond: 50,
      trustProxy: false,
      dbPoolMax: 10,
      shutdownTimeoutMs: 10_000,
      logLevel: 'info',
      admin: null,
    });
    expect(config.replicaId.length).toBeGreaterThan(0);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ ...valid, PORT: '', ADMIN_EMAIL: '' }).port).toBe(8080);
  });

  it.each([
    [{ JWT_SECRET: 'k'.repeat(31) }, 'JWT_SECRET', 'at least 32 bytes'],
    [{ JWT_SECRET: undefined }, 'JWT_SECRET', 'is required'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', 'postgres://'],
    [{ SCRYPT_COST: '3000' }, 'SCRYPT_COST', 'power of two'],
    [{ PORT: '70000' }, 'PORT', ''],
    [{ TRUST_PROXY: 'yes' }, 'TRUST_PROXY', 'true or false'],
    [{ RATE_LIMIT_PER_SECOND: '-1' }, 'RATE_LIMIT_PER_SECOND', 'whole number'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', ''],
    [{ ADMIN_PASSWORD: 'long enough' }, 'ADMIN_EMAIL', 'is required when ADMIN_PASSWORD is set'],
  ])('rejects %j naming the variable', (override, variable, text) => {
    const err = errorFor({ ...valid, ...override });
    expect(err.variable).toBe(variable);
    expect(err.message.startsWith(variable)).toBe(true);
    expect(err.message).toContain(text);
  });

  it('never echoes the secret in its message', () => {
    const secret = 'short-secret-value';
    expect(errorFor({ ...valid, JWT_SECRET: secret }).message).not.toContain(secret);
  });
});
