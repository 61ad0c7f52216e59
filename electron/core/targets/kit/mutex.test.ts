import { describe, expect, it } from 'vitest';
import { Mutex } from './mutex.ts';

describe('Mutex', () => {
  it('runs work one at a time in call order, past a failure', async () => {
    const mutex = new Mutex();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = mutex.run(async () => {
      log.push('first start');
      await gate;
      log.push('first end');
      return 1;
    });
    const second = mutex.run(async () => {
      log.push('second');
      throw new Error('boom');
    });
    const third = mutex.run(async () => {
      log.push('third');
      return 3;
    });
    await Promise.resolve();
    expect(log).toEqual(['first start']);
    release();
    expect(await first).toBe(1);
    await expect(second).rejects.toThrow('boom');
    expect(await third).toBe(3);
    await mutex.idle();
    expect(log).toEqual(['first start', 'first end', 'second', 'third']);
  });
});
