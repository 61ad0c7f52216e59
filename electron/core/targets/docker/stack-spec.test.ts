import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../errors.ts';
import { parseSettings, resolveImages } from '../../settings.ts';
import { healthOf } from './containers.ts';
import { generateSecrets } from '../kit/secrets.ts';
import { validateStackName } from '../kit/stack-name.ts';
import { stackNames } from './names.ts';
import { nginxConfig } from './nginx-config.ts';
import { prometheusConfig } from './prometheus-config.ts';
import {
  frontEndpoint,
  loadBalancerSpec,
  postgresSpec,
  prometheusSpec,
  redisSpec,
  replicaSpec,
  replicaSpecHash,
  secretsFromEnv,
  stateSpec,
  type StackContext,
} from './stack-spec.ts';

function context(overrides: Record<string, unknown> = {}): StackContext {
  const settings = parseSettings(overrides);
  return {
    stack: 'demo',
    names: stackNames('demo'),
    images: { ...resolveImages(settings), api: 'scaledeck/user-api:test' },
    settings,
    secrets: generateSecrets(),
  };
}

describe('stack spec (pure)', () => {
  const ctx = context();
  const specs = [
    postgresSpec(ctx),
    redisSpec(ctx),
    replicaSpec(ctx, 'scaledeck-demo-api-1'),
    loadBalancerSpec(ctx),
    prometheusSpec(ctx),
  ];

  it('labels every container with the stack and its role; the edge sits on the front network', () => {
    expect(specs.map((spec) => spec.Labels?.['scaledeck.role'])).toEqual([
      'postgres',
      'redis',
      'api',
      'lb',
      'prometheus',
    ]);
    expect(specs.map((spec) => spec.HostConfig?.NetworkMode)).toEqual([
      'scaledeck-demo',
      'scaledeck-demo',
      'scaledeck-demo',
      'scaledeck-demo-front',
      'scaledeck-demo-front',
    ]);
    for (const spec of specs) {
      expect(spec.Labels?.['scaledeck.stack']).toBe('demo');
      expect(spec.HostConfig?.RestartPolicy?.Name).toBe('unless-stopped');
    }
  });

  it('publishes only the LB and Prometheus, on 127.0.0.1 and a free port', () => {
    const published = specs.filter((spec) => spec.HostConfig?.PortBindings);
    expect(published.map((spec) => spec.Labels?.['scaledeck.role'])).toEqual(['lb', 'prometheus']);
    for (const spec of published) {
      for (const bindings of Object.values(
        spec.HostConfig?.PortBindings as Record<string, { HostIp: string; HostPort: string }[]>,
      )) {
        expect(bindings).toEqual([{ HostIp: '127.0.0.1', HostPort: '' }]);
      }
    }
  });

  it('starts a replica without the api alias (added once healthy), with a CPU limit, a 1 s healthcheck, the contract env', () => {
    const replica = replicaSpec(
      context({ replicaCpus: 0.25, rateLimitPerSecond: 0, scryptCost: 4096 }),
      'scaledeck-demo-api-x',
    );
    expect(replica.NetworkingConfig?.EndpointsConfig?.['scaledeck-demo']?.Aliases).toBeUndefined();
    expect(frontEndpoint()).toEqual({ Aliases: ['api'] });
    expect(replica.HostConfig?.NanoCpus).toBe(250_000_000);
    expect(replica.Healthcheck?.Interval).toBe(1_000_000_000);
    expect(replica.Env).toEqual(
      expect.arrayContaining([
        'REPLICA_ID=scaledeck-demo-api-x',
        'TRUST_PROXY=true',
        'RATE_LIMIT_PER_SECOND=0',
        'SCRYPT_COST=4096',
        'PORT=8080',
      ]),
    );
    const jwt =
      replica.Env?.find((entry) => entry.startsWith('JWT_SECRET='))?.slice('JWT_SECRET='.length) ?? '';
    expect(Buffer.byteLength(jwt)).toBeGreaterThanOrEqual(32);
  });

  it('generates different secrets per stack and reads them back from the database container env', () => {
    const a = generateSecrets();
    const b = generateSecrets();
    expect(a.postgresPassword).not.toBe(b.postgresPassword);
    expect(a.jwtSecret).not.toBe(b.jwtSecret);
    expect(secretsFromEnv(postgresSpec({ ...ctx, secrets: a }).Env ?? [])).toEqual(a);
    expect(secretsFromEnv(['POSTGRES_USER=x'])).toBeNull();
  });

  it('keeps desired state in the labels of a never-started container', () => {
    const spec = stateSpec(ctx, 'redis:7', { desiredReplicas: 3, autoscaler: '{"enabled":true}', seq: 7 });
    expect(spec.name).toBe('scaledeck-demo-state-7');
    expect(spec.Labels).toMatchObject({
      'scaledeck.role': 'state',
      'scaledeck.desired-replicas': '3',
      'scaledeck.state-seq': '7',
    });
  });

  it('NGINX re-resolves api through Docker DNS and retries the next replica on connection errors', () => {
    const conf = nginxConfig();
    expect(conf).toContain('resolver 127.0.0.11 valid=1s');
    // A killed replica's address stays in that cache for up to 1 s: fail over to the next fast.
    expect(conf).toContain('proxy_connect_timeout 250ms;');
    expect(conf).toMatch(/set \$api_upstream http:\/\/api:8080;/);
    expect(conf).toContain('proxy_pass $api_upstream;');
    expect(conf).toMatch(/proxy_next_upstream error timeout/);
  });

  it('Prometheus discovers api through DNS (type A) and scrapes every 2 s', () => {
    const config = JSON.parse(prometheusConfig()) as {
      global: { scrape_interval: string };
      scrape_configs: {
        job_name: string;
        dns_sd_configs?: { names: string[]; type: string; port: number }[];
      }[];
    };
    expect(config.global.scrape_interval).toBe('2s');
    expect(config.scrape_configs[0]?.dns_sd_configs).toEqual([
      { names: ['api'], type: 'A', port: 8080, refresh_interval: '2s' },
    ]);
  });

  it('reads health from the engine list output', () => {
    expect(healthOf({ State: 'running', Status: 'Up 3 seconds (healthy)' })).toBe('healthy');
    expect(healthOf({ State: 'running', Status: 'Up 1 second (health: starting)' })).toBe('starting');
    expect(healthOf({ State: 'exited', Status: 'Exited (137) 1 second ago' })).toBe('none');
  });
});

describe('settings and names', () => {
  it('defaults to the public images and accepts overrides', () => {
    expect(resolveImages(parseSettings({})).postgres).toBe('postgres:17');
    expect(resolveImages(parseSettings({ images: { redis: 'local/redis:7' } })).redis).toBe('local/redis:7');
    expect(parseSettings({}).maxReplicas).toBe(20);
  });

  it('names the unknown or bad key', () => {
    expect(() => parseSettings({ imagez: {} })).toThrow(ValidationError);
    expect(() => parseSettings({ imagez: {} })).toThrow(/settings\.imagez/);
    expect(() => parseSettings({ images: { postgress: 'x' } })).toThrow(/settings\.images\.postgress/);
    expect(() => parseSettings({ maxReplicas: 0 })).toThrow(/settings\.maxReplicas/);
  });

  it('rejects stack names Docker could not use', () => {
    expect(validateStackName('demo-1')).toBe('demo-1');
    expect(() => validateStackName('Bad Name')).toThrow(/stack/);
    expect(() => validateStackName('')).toThrow(/stack/);
  });
});

describe('replica spec hash', () => {
  const id = 'sha256:aaaa';
  it('is the same for the same image and settings, whatever the secrets', () => {
    const a = context();
    const b = { ...context(), secrets: generateSecrets() };
    expect(replicaSpecHash(a, id)).toBe(replicaSpecHash(b, id));
  });

  it('changes with the image ID or any setting that reaches the replica', () => {
    const hash = replicaSpecHash(context(), id);
    expect(replicaSpecHash(context(), 'sha256:bbbb')).not.toBe(hash);
    expect(replicaSpecHash(context({ replicaCpus: 1 }), id)).not.toBe(hash);
    expect(replicaSpecHash(context({ drainSeconds: 7 }), id)).not.toBe(hash);
    expect(replicaSpecHash(context({ rateLimitPerSecond: 3 }), id)).not.toBe(hash);
  });
});
