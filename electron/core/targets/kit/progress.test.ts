import { describe, expect, it } from 'vitest';
import type { CoreEvent } from '../../contract.ts';
import { EventFanout, progressReporter } from './progress.ts';

describe('EventFanout', () => {
  it('delivers to every subscriber until it unsubscribes', () => {
    const fanout = new EventFanout();
    const a: CoreEvent[] = [];
    const b: CoreEvent[] = [];
    const offA = fanout.add((event) => a.push(event));
    fanout.add((event) => b.push(event));
    const event: CoreEvent = { type: 'scale', at: 1, source: 'manual', from: 1, to: 2 };
    fanout.emit(event);
    offA();
    fanout.emit(event);
    expect([a.length, b.length, fanout.size]).toEqual([1, 2, 1]);
  });
});

describe('progressReporter', () => {
  it('tells the caller and emits the same step as a progress event, log only when given', () => {
    const told: unknown[] = [];
    const emitted: CoreEvent[] = [];
    const progress = progressReporter(
      (step) => told.push(step),
      (event) => emitted.push(event),
    );
    progress('build', 5);
    progress('build', 10, 'step 1/4');
    expect(told).toEqual([
      { step: 'build', percent: 5 },
      { step: 'build', percent: 10, log: 'step 1/4' },
    ]);
    expect(emitted.map(({ at: _at, ...rest }) => rest)).toEqual([
      { type: 'progress', step: 'build', percent: 5 },
      { type: 'progress', step: 'build', percent: 10, log: 'step 1/4' },
    ]);
  });
});
