import { randomBytes } from 'node:crypto';
import { ValidationError } from '../../errors.ts';

const STACK_NAME = /^[a-z0-9][a-z0-9-]{0,29}$/;

export function validateStackName(stack: string): string {
  if (!STACK_NAME.test(stack)) {
    throw new ValidationError(
      'stack',
      'must be 1-30 characters of a-z, 0-9 and "-", starting with a letter or digit',
    );
  }
  return stack;
}

/** Engine object names of one stack; the stack name keeps several stacks apart on one engine. */
export function stackNames(stack: string) {
  const prefix = `scaledeck-${stack}`;
  return {
    prefix,
    /** PostgreSQL, Redis and every replica. */
    network: prefix,
    /** NGINX, Prometheus and the replicas that passed their healthcheck, under the alias `api`. */
    frontNetwork: `${prefix}-front`,
    dataVolume: `${prefix}-pgdata`,
    postgres: `${prefix}-postgres`,
    redis: `${prefix}-redis`,
    lb: `${prefix}-lb`,
    prometheus: `${prefix}-prometheus`,
    state: (seq: number) => `${prefix}-state-${seq}`,
    replica: () => `${prefix}-api-${randomBytes(3).toString('hex')}`,
  };
}

export type StackNames = ReturnType<typeof stackNames>;
