import { describe, expect, it } from 'vitest';
import { parseAppArgs } from './args.ts';

const base = ['/opt/electron', '/app/dist/electron/main.mjs'];

describe('parseAppArgs', () => {
  it('reads --settings and --stack in both forms among Chromium switches', () => {
    expect(parseAppArgs([...base, '--no-sandbox', '--settings', '/s.json', '--stack=demo'], {})).toEqual({
      settings: '/s.json',
      stack: 'demo',
    });
    expect(parseAppArgs([...base, '--settings=/t.json'], {})).toEqual({ settings: '/t.json' });
  });

  it('falls back to SCALEDECK_SETTINGS and SCALEDECK_STACK', () => {
    expect(parseAppArgs(base, { SCALEDECK_SETTINGS: '/e.json', SCALEDECK_STACK: 'x' })).toEqual({
      settings: '/e.json',
      stack: 'x',
    });
    expect(parseAppArgs([...base, '--stack', 'y'], { SCALEDECK_STACK: 'x' })).toEqual({ stack: 'y' });
  });

  it('does not take the next switch as a value', () => {
    expect(parseAppArgs([...base, '--settings', '--stack', 'z'], {})).toEqual({ stack: 'z' });
  });
});
