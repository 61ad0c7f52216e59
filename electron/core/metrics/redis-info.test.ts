import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../../service/test/harness/redis.ts';
import { keyspaceCounters, keyspaceHitRatio, parseRedisInfo } from './redis-info.ts';

describe('Redis keyspace hit ratio from a real redis-server', () => {
  let redis: RedisServer;
  const cli = (...args: string[]) =>
    execFileSync('redis-cli', ['-p', String(redis.port), ...args], { encoding: 'utf8' });
  const counters = () => keyspaceCounters(parseRedisInfo(cli('INFO', 'stats')));

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.dispose();
  });

  it('measures hits and misses between two readings', () => {
    const before = counters();
    cli('SET', 'k', 'v');
    cli('GET', 'k');
    cli('GET', 'k');
    cli('GET', 'k');
    cli('GET', 'missing');
    const after = counters();
    expect(after.hits - before.hits).toBe(3);
    expect(after.misses - before.misses).toBe(1);
    expect(keyspaceHitRatio(before, after)).toBeCloseTo(0.75);
  });

  it('has no ratio without lookups or across a restart', () => {
    const c = counters();
    expect(keyspaceHitRatio(c, c)).toBeNull();
    expect(keyspaceHitRatio({ hits: 10, misses: 5 }, { hits: 1, misses: 0 })).toBeNull();
  });

  it('says what is missing when INFO is not the stats section', () => {
    expect(() => keyspaceCounters(parseRedisInfo(cli('INFO', 'server')))).toThrow(/keyspace_hits/);
  });
});
