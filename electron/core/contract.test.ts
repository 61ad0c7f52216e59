/** The target:select input: what a client may ask for, and errors that name the field. */
import { describe, expect, it } from 'vitest';
import { COMMAND_CHANNELS, channelSchemas, isChannel, targetSelectSchema } from './contract.ts';
import { ValidationError, parseOrThrow } from './errors.ts';

const schemas = channelSchemas({ maxReplicas: 10, maxLoadRps: 1000 });

function refusal(input: unknown): ValidationError {
  try {
    parseOrThrow(schemas['target:select'], input);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('target:select input', () => {
  it('is a channel, a command (refused to read-only viewers), with target:current beside it', () => {
    expect(isChannel('target:select')).toBe(true);
    expect(isChannel('target:current')).toBe(true);
    expect(COMMAND_CHANNELS.has('target:select')).toBe(true);
    expect(COMMAND_CHANNELS.has('target:current')).toBe(false);
    expect(schemas['target:select']).toBe(targetSelectSchema);
  });

  it('accepts docker, and a kube context with or without a namespace', () => {
    expect(parseOrThrow(targetSelectSchema, { kind: 'docker' })).toEqual({ kind: 'docker' });
    expect(parseOrThrow(targetSelectSchema, { kind: 'kubernetes', context: ' minikube ' })).toEqual({
      kind: 'kubernetes',
      context: 'minikube',
    });
    expect(
      parseOrThrow(targetSelectSchema, { kind: 'kubernetes', context: 'kind-dev', namespace: 'demo-1' }),
    ).toEqual({ kind: 'kubernetes', context: 'kind-dev', namespace: 'demo-1' });
  });

  it.each([
    [{}, 'kind', /must be docker or kubernetes/],
    [{ kind: 'podman' }, 'kind', /must be docker or kubernetes/],
    [{ kind: 'kubernetes' }, 'context', /name of a kube context/],
    [{ kind: 'kubernetes', context: '   ' }, 'context', /name of a kube context/],
    [{ kind: 'kubernetes', context: 7 }, 'context', /name of a kube context/],
    [{ kind: 'kubernetes', context: 'a', namespace: 'Not_A_Namespace' }, 'namespace', /namespace name/],
    [{ kind: 'kubernetes', context: 'a', namespace: 'x'.repeat(64) }, 'namespace', /at most 63/],
    [{ kind: 'docker', context: 'minikube' }, 'context', /Unrecognized key/],
    [{ kind: 'kubernetes', context: 'a', server: 'https://evil' }, 'server', /Unrecognized key/],
  ])('refuses %j naming %s', (input, field, message) => {
    const error = refusal(input);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(new RegExp(`^${field}: `));
    expect(error.message).toMatch(message);
  });
});
