import { describe, expect, it } from 'vitest';
import { parseMix, runChaosCommand } from './cli-live.ts';
import { ValidationError } from './core/errors.ts';
import type { DockerTarget } from './core/targets/docker/docker-target.ts';

describe('CLI live commands: input', () => {
  it('parses --mix into operation weights', () => {
    expect(parseMix('get=80,list=10,signup=5,token=5')).toEqual({
      getUser: 80,
      listUsers: 10,
      signUp: 5,
      token: 5,
    });
    expect(parseMix(' GET=1 , token=0 ')).toEqual({ getUser: 1, listUsers: 0, signUp: 0, token: 0 });
    // Left out means none: only reads.
    expect(parseMix('get=100')).toEqual({ getUser: 100, listUsers: 0, signUp: 0, token: 0 });
  });

  it.each(['get=80,delete=5', 'get=-1', 'get=', 'get', 'list=lots', ''])(
    'rejects --mix %j naming --mix',
    (text) => {
      expect(() => parseMix(text)).toThrow(ValidationError);
      try {
        parseMix(text);
      } catch (error) {
        expect((error as ValidationError).field).toBe('--mix');
      }
    },
  );

  it('refuses a replica name for anything but kill-replica, and unknown actions, before touching the engine', async () => {
    // Any call on this target would throw a TypeError: the checks must come first.
    const untouchable = {} as DockerTarget;
    await expect(runChaosCommand(untouchable, 'kill-redis', 'api-1')).rejects.toMatchObject({
      field: 'replica',
    });
    await expect(runChaosCommand(untouchable, 'kill-everything', undefined)).rejects.toMatchObject({
      field: 'action',
    });
  });

  it('node chaos: refused on a target without nodes (Docker) naming the fix; a node name is required', async () => {
    const docker = { kind: 'docker' } as DockerTarget;
    await expect(runChaosCommand(docker, 'drain-node', 'node-1')).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
      field: 'node',
      message: expect.stringContaining('--target kubernetes'),
    });
    // Only the node capability is used; the kill methods are never reached.
    const withNodes = {
      kind: 'kubernetes' as const,
      nodes: {
        drain: async () => ({ node: 'n', evicted: ['api-1'], kept: [] }),
        uncordon: async () => undefined,
      },
    } as unknown as Parameters<typeof runChaosCommand>[0];
    await expect(runChaosCommand(withNodes, 'drain-node', undefined)).rejects.toMatchObject({
      field: 'node',
    });
    await expect(runChaosCommand(withNodes, 'uncordon-node', 'n')).resolves.toContain('uncordoned n');
    await expect(runChaosCommand(withNodes, 'drain-node', 'n')).resolves.toContain(
      'evicted 1 of the stack’s pods (api-1)',
    );
  });
});
