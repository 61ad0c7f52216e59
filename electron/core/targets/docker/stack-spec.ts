/**
 * Pure: the engine's create options for every container of a stack, from settings, names and
 * secrets. No I/O here, so the whole shape of a stack is unit-testable.
 */
import { createHash } from 'node:crypto';
import type { ContainerCreateOptions } from 'dockerode';
import type { ResolvedImages, Settings } from '../../settings.ts';
import type { StackSecrets } from '../kit/secrets.ts';
import { LABEL, stackLabels, type Role } from './labels.ts';
import type { StackNames } from './names.ts';

export const API_PORT = 8080;
export const LB_PORT = 80;
export const PROMETHEUS_PORT = 9090;
const DB_USER = 'scaledeck';
const DB_NAME = 'scaledeck';
const SECOND_NS = 1_000_000_000;

export type { StackSecrets };

/** Generated once per stack; they live in the PostgreSQL container's environment on the engine. */
export const SECRET_ENV = {
  postgresPassword: 'POSTGRES_PASSWORD',
  jwtSecret: 'SCALEDECK_JWT_SECRET',
  adminPassword: 'SCALEDECK_ADMIN_PASSWORD',
} as const satisfies Record<keyof StackSecrets, string>;

/** Reads the secrets back from the PostgreSQL container's env (re-attach after a restart). */
export function secretsFromEnv(env: readonly string[]): StackSecrets | null {
  const values = new Map(
    env.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
  const postgresPassword = values.get(SECRET_ENV.postgresPassword);
  const jwtSecret = values.get(SECRET_ENV.jwtSecret);
  const adminPassword = values.get(SECRET_ENV.adminPassword);
  if (!postgresPassword || !jwtSecret || !adminPassword) return null;
  return { postgresPassword, jwtSecret, adminPassword };
}

export interface StackContext {
  stack: string;
  names: StackNames;
  images: ResolvedImages & { api: string };
  settings: Settings;
  secrets: StackSecrets;
}

function base(
  ctx: StackContext,
  role: Role,
  name: string,
  alias: string | null,
  network: string = ctx.names.network,
): ContainerCreateOptions {
  return {
    name,
    Hostname: name,
    Labels: stackLabels(ctx.stack, role),
    HostConfig: {
      NetworkMode: network,
      RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
      Init: false,
    },
    NetworkingConfig: {
      EndpointsConfig: { [network]: alias === null ? {} : { Aliases: [alias] } },
    },
  };
}

/**
 * A replica joins the front network under the alias `api` only once its healthcheck passes,
 * the way a Kubernetes Service only lists ready endpoints: NGINX and Prometheus never see a
 * replica that is still starting.
 */
export function frontEndpoint(): { Aliases: string[] } {
  return { Aliases: ['api'] };
}

function localPort(containerPort: number) {
  // HostPort '' lets the engine pick a free port; the address is read back with inspect.
  return { [`${containerPort}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: '' }] };
}

export function postgresSpec(ctx: StackContext): ContainerCreateOptions {
  const spec = base(ctx, 'postgres', ctx.names.postgres, 'postgres');
  return {
    ...spec,
    Image: ctx.images.postgres,
    Env: [
      `POSTGRES_USER=${DB_USER}`,
      `POSTGRES_DB=${DB_NAME}`,
      `${SECRET_ENV.postgresPassword}=${ctx.secrets.postgresPassword}`,
      `${SECRET_ENV.jwtSecret}=${ctx.secrets.jwtSecret}`,
      `${SECRET_ENV.adminPassword}=${ctx.secrets.adminPassword}`,
    ],
    // TCP, not the socket: during first initialisation the image runs a socket-only server.
    Healthcheck: {
      Test: ['CMD-SHELL', 'pg_isready -q -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB"'],
      Interval: SECOND_NS,
      Timeout: 3 * SECOND_NS,
      Retries: 5,
      StartPeriod: 60 * SECOND_NS,
    },
    HostConfig: {
      ...spec.HostConfig,
      Mounts: [{ Type: 'volume', Source: ctx.names.dataVolume, Target: '/var/lib/postgresql/data' }],
      ShmSize: 128 * 1024 * 1024,
    },
  };
}

export function redisSpec(ctx: StackContext): ContainerCreateOptions {
  const spec = base(ctx, 'redis', ctx.names.redis, 'redis');
  return {
    ...spec,
    Image: ctx.images.redis,
    Cmd: ['redis-server', '--save', '', '--appendonly', 'no'],
    Healthcheck: {
      Test: ['CMD', 'redis-cli', 'ping'],
      Interval: SECOND_NS,
      Timeout: 2 * SECOND_NS,
      Retries: 5,
      StartPeriod: 30 * SECOND_NS,
    },
  };
}

export function databaseUrl(secrets: StackSecrets): string {
  return `postgres://${DB_USER}:${secrets.postgresPassword}@postgres:5432/${DB_NAME}`;
}

/** Exit 0 when the API answers /readyz with 200; used by the healthcheck and the fast start-up probe. */
export const READINESS_PROBE = [
  'bash',
  '-c',
  `exec 3<>/dev/tcp/127.0.0.1/${API_PORT} && printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200'`,
];

/**
 * One API replica. The healthcheck asks /readyz through bash's /dev/tcp rather than `node -e
 * fetch`: starting Node every second would burn ~10% of a 0.5-CPU limit and skew autoscaling.
 */
export function replicaSpec(ctx: StackContext, name: string): ContainerCreateOptions {
  const spec = base(ctx, 'api', name, null);
  const env = [
    `PORT=${API_PORT}`,
    `DATABASE_URL=${databaseUrl(ctx.secrets)}`,
    'REDIS_URL=redis://redis:6379',
    `JWT_SECRET=${ctx.secrets.jwtSecret}`,
    'ADMIN_EMAIL=admin@scaledeck.local',
    `ADMIN_PASSWORD=${ctx.secrets.adminPassword}`,
    `REPLICA_ID=${name}`,
    'TRUST_PROXY=true',
    `RATE_LIMIT_PER_SECOND=${ctx.settings.rateLimitPerSecond}`,
    // Leave a second of the engine's stop grace period for the process to exit cleanly.
    `SHUTDOWN_TIMEOUT_MS=${Math.max(1, ctx.settings.drainSeconds - 1) * 1000}`,
  ];
  if (ctx.settings.scryptCost !== undefined) env.push(`SCRYPT_COST=${ctx.settings.scryptCost}`);
  return {
    ...spec,
    Image: ctx.images.api,
    Env: env,
    ExposedPorts: { [`${API_PORT}/tcp`]: {} },
    StopSignal: 'SIGTERM',
    StopTimeout: ctx.settings.drainSeconds,
    Healthcheck: {
      Test: ['CMD', ...READINESS_PROBE],
      Interval: SECOND_NS,
      Timeout: 2 * SECOND_NS,
      Retries: 2,
      StartPeriod: 60 * SECOND_NS,
    },
    HostConfig: { ...spec.HostConfig, NanoCpus: Math.round(ctx.settings.replicaCpus * SECOND_NS) },
  };
}

/**
 * What makes two replicas interchangeable: the image (by ID, so a rebuilt tag counts as a change)
 * and everything the settings put into the replica's create options. Names and secrets are held
 * fixed (a replica's name is its own; secrets do not change within a stack and stay out of labels).
 */
export function replicaSpecHash(ctx: StackContext, apiImageId: string): string {
  const fixed: StackContext = {
    ...ctx,
    images: { ...ctx.images, api: apiImageId },
    secrets: { postgresPassword: '-', jwtSecret: '-', adminPassword: '-' },
  };
  const spec = replicaSpec(fixed, 'replica');
  return createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
}

export function loadBalancerSpec(ctx: StackContext): ContainerCreateOptions {
  const spec = base(ctx, 'lb', ctx.names.lb, 'lb', ctx.names.frontNetwork);
  return {
    ...spec,
    Image: ctx.images.nginx,
    Cmd: ['nginx', '-g', 'daemon off;'],
    ExposedPorts: { [`${LB_PORT}/tcp`]: {} },
    HostConfig: { ...spec.HostConfig, PortBindings: localPort(LB_PORT) },
  };
}

export function prometheusSpec(ctx: StackContext): ContainerCreateOptions {
  const spec = base(ctx, 'prometheus', ctx.names.prometheus, 'prometheus', ctx.names.frontNetwork);
  return {
    ...spec,
    Image: ctx.images.prometheus,
    Cmd: [
      '--config.file=/etc/prometheus/prometheus.yml',
      '--storage.tsdb.path=/prometheus',
      '--storage.tsdb.retention.time=6h',
      '--web.listen-address=:9090',
    ],
    ExposedPorts: { [`${PROMETHEUS_PORT}/tcp`]: {} },
    HostConfig: { ...spec.HostConfig, PortBindings: localPort(PROMETHEUS_PORT) },
  };
}

export interface DesiredState {
  desiredReplicas: number;
  autoscaler: string | null;
  seq: number;
}

/**
 * Container labels cannot change, so desired state lives on a small created-never-started
 * container that is replaced (higher seq) on every change.
 */
export function stateSpec(
  ctx: Pick<StackContext, 'stack' | 'names'>,
  image: string,
  state: DesiredState,
): ContainerCreateOptions {
  const labels: Record<string, string> = {
    ...stackLabels(ctx.stack, 'state'),
    [LABEL.desiredReplicas]: String(state.desiredReplicas),
    [LABEL.stateSeq]: String(state.seq),
  };
  if (state.autoscaler !== null) labels[LABEL.autoscaler] = state.autoscaler;
  return {
    name: ctx.names.state(state.seq),
    Image: image,
    Cmd: ['true'],
    Entrypoint: [],
    Labels: labels,
    HostConfig: { NetworkMode: 'none' },
  };
}
