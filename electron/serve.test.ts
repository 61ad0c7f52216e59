/** serve's target flags: what reaches the session, and the usage errors that name the flag. */
import { describe, expect, it } from 'vitest';
import { ValidationError } from './core/errors.ts';
import { targetChoice } from './serve.ts';

describe('serve --target/--context/--namespace', () => {
  it('defaults to the Docker engine', () => {
    expect(targetChoice({})).toEqual({ kind: 'docker' });
  });

  it('passes the kube context and namespace through for --target kubernetes', () => {
    expect(targetChoice({ target: 'kubernetes', context: 'minikube', namespace: 'demo' })).toEqual({
      kind: 'kubernetes',
      context: 'minikube',
      namespace: 'demo',
    });
  });

  it('refuses an unknown target and kube flags without --target kubernetes, naming the field', () => {
    expect(() => targetChoice({ target: 'nomad' })).toThrow(ValidationError);
    expect(() => targetChoice({ target: 'nomad' })).toThrow(/docker or kubernetes/);
    const error = (() => {
      try {
        targetChoice({ namespace: 'demo' });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('namespace');
  });
});
