import { randomBytes } from 'node:crypto';

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
