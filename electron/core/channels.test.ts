/** The channel map: every channel says whether it reads or commands, and the share guard follows it. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHANNEL_KINDS, CHANNELS, COMMAND_CHANNELS, isChannel } from './channels.ts';
import { channelSchemas } from './contract.ts';

// Written out by hand on purpose: a channel that changes the stack, the load or the target must
// be listed here as well as in the map, so flipping one to 'read' fails this test.
const MUTATING = [
  'stack:deploy',
  'stack:scale',
  'stack:teardown',
  'autoscaler:set',
  'load:start',
  'load:update',
  'load:stop',
  'chaos:kill',
  'chaos:restore',
  'chaos:drainNode',
  'chaos:uncordonNode',
  'target:select',
  'scenario:play',
  'scenario:pause',
  'scenario:resume',
  'scenario:stop',
];

describe('channel map', () => {
  it('gives every channel of the contract a kind', () => {
    const schemas = channelSchemas({ maxReplicas: 10, maxLoadRps: 1000 });
    expect([...CHANNELS].sort()).toEqual(Object.keys(schemas).sort());
    for (const channel of CHANNELS) expect(['read', 'command']).toContain(CHANNEL_KINDS[channel]);
  });

  it('makes every mutating channel a command and nothing else one', () => {
    expect([...COMMAND_CHANNELS].sort()).toEqual([...MUTATING].sort());
    expect(CHANNEL_KINDS['target:current']).toBe('read');
    expect(CHANNEL_KINDS['stack:status']).toBe('read');
  });

  it('knows its own names only (not what objects inherit)', () => {
    expect(isChannel('stack:scale')).toBe(true);
    expect(isChannel('toString')).toBe(false);
    expect(isChannel('__proto__')).toBe(false);
    expect(isChannel('stack:explode')).toBe(false);
  });

  it('imports nothing, so the renderer can take the values without schema code', () => {
    const source = readFileSync(new URL('./channels.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/^\s*import\b/m);
  });
});
