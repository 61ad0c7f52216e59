/**
 * The Kubernetes target's manifests as typed builders: pure functions from a stack's context to
 * plain objects, applied with server-side apply (field manager `scaledeck`). No I/O here, so the
 * whole shape of a stack is unit-testable and `scaledeck` never templates YAML text.
 */
import type {
  V1ConfigMap,
  V1Deployment,
  V1EnvVar,
  V1Namespace,
  V1PodDisruptionBudget,
  V1Secret,
  V1Service,
  V1StatefulSet,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import {
  effectiveBehavior,
  type AutoscalerProfile,
  type HpaBehaviorInput,
} from '../electron/core/autoscaler.ts';
import { prometheusConfigText } from '../electron/core/targets/kit/scrape.ts';
import type { StackSecrets } from '../electron/core/targets/kit/secrets.ts';

export const API_PORT = 8080;
export const PROMETHEUS_PORT = 9090;
const DB_USER = 'scaledeck';
const DB_NAME = 'scaledeck';
/** Seconds a terminating API pod keeps serving before SIGTERM, while kube-proxy drops it from the Service. */
export const PRESTOP_SECONDS = 3;

export const NAMES = {
  api: 'api',
  postgres: 'postgres',
  redis: 'redis',
  prometheus: 'prometheus',
  prometheusConfig: 'prometheus-config',
  /** Headless Service: one DNS A record per ready API pod, for Prometheus. */
  apiPods: 'api-pods',
  secret: 'scaledeck-secrets',
  hpa: 'api',
  /** What the StatefulSet's volumeClaimTemplate `data` makes for its one pod. */
  dataClaim: 'data-postgres-0',
} as const;

export const LABEL = {
  partOf: 'app.kubernetes.io/part-of',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  managedBy: 'app.kubernetes.io/managed-by',
} as const;
export const PROFILE_ANNOTATION = 'scaledeck.io/autoscaler-profile';

export type Component = 'api' | 'postgres' | 'redis' | 'prometheus';

export interface StackImages {
  api: string;
  postgres: string;
  redis: string;
  prometheus: string;
}

export interface ManifestContext {
  stack: string;
  namespace: string;
  images: StackImages;
  /** CPU of each API replica (request = limit), so the HPA's CPU % is of what a replica may use. */
  replicaCpus: number;
  drainSeconds: number;
  rateLimitPerSecond: number;
  scryptCost?: number;
  /** IfNotPresent for images loaded into the node; Always only makes sense with a registry. */
  pullPolicy: 'IfNotPresent' | 'Never' | 'Always';
}

export type { StackSecrets };

export const SECRET_KEYS = {
  postgresPassword: 'postgres-password',
  jwtSecret: 'jwt-secret',
  adminPassword: 'admin-password',
} as const satisfies Record<keyof StackSecrets, string>;

export function namespaceFor(stack: string): string {
  return `scaledeck-${stack}`;
}

export function stackSelector(stack: string, component?: Component): string {
  const parts = [`${LABEL.partOf}=scaledeck`, `${LABEL.instance}=${stack}`];
  if (component !== undefined) parts.push(`${LABEL.component}=${component}`);
  return parts.join(',');
}

function labels(ctx: Pick<ManifestContext, 'stack'>, component: Component | 'config' | 'secrets') {
  return {
    [LABEL.partOf]: 'scaledeck',
    [LABEL.instance]: ctx.stack,
    [LABEL.component]: component,
    [LABEL.managedBy]: 'scaledeck',
  };
}

function selectorLabels(ctx: Pick<ManifestContext, 'stack'>, component: Component) {
  return { [LABEL.instance]: ctx.stack, [LABEL.component]: component };
}

function meta(ctx: ManifestContext, name: string, component: Parameters<typeof labels>[1]) {
  return { name, namespace: ctx.namespace, labels: labels(ctx, component) };
}

const secretEnv = (name: string, key: keyof StackSecrets): V1EnvVar => ({
  name,
  valueFrom: { secretKeyRef: { name: NAMES.secret, key: SECRET_KEYS[key] } },
});

export function namespaceManifest(ctx: ManifestContext): V1Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: ctx.namespace, labels: labels(ctx, 'config') },
  };
}

export function secretManifest(ctx: ManifestContext, secrets: StackSecrets): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(ctx, NAMES.secret, 'secrets'),
    type: 'Opaque',
    stringData: {
      [SECRET_KEYS.postgresPassword]: secrets.postgresPassword,
      [SECRET_KEYS.jwtSecret]: secrets.jwtSecret,
      [SECRET_KEYS.adminPassword]: secrets.adminPassword,
    },
  };
}

export function postgresManifests(ctx: ManifestContext): [V1Service, V1StatefulSet] {
  const selector = selectorLabels(ctx, 'postgres');
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(ctx, NAMES.postgres, 'postgres'),
      spec: { clusterIP: 'None', selector, ports: [{ name: 'postgres', port: 5432, targetPort: 5432 }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta(ctx, NAMES.postgres, 'postgres'),
      spec: {
        serviceName: NAMES.postgres,
        replicas: 1,
        selector: { matchLabels: selector },
        // The claim outlives the StatefulSet (the default, said out loud): teardown keeps the data.
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        template: {
          metadata: { labels: labels(ctx, 'postgres') },
          spec: {
            terminationGracePeriodSeconds: 10,
            containers: [
              {
                name: 'postgres',
                image: ctx.images.postgres,
                imagePullPolicy: ctx.pullPolicy,
                env: [
                  { name: 'POSTGRES_USER', value: DB_USER },
                  { name: 'POSTGRES_DB', value: DB_NAME },
                  secretEnv('POSTGRES_PASSWORD', 'postgresPassword'),
                  // A subdirectory: a fresh volume may hold lost+found, which initdb refuses.
                  { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
                ],
                ports: [{ name: 'postgres', containerPort: 5432 }],
                // TCP, not the socket: during first initialisation the image runs a socket-only server.
                readinessProbe: {
                  exec: {
                    command: ['sh', '-c', 'pg_isready -q -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB"'],
                  },
                  periodSeconds: 2,
                  timeoutSeconds: 3,
                  failureThreshold: 3,
                },
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
                volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }],
              },
            ],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data', labels: labels(ctx, 'postgres') },
            // No storageClassName: the cluster's default StorageClass (standard on Minikube and kind).
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
          },
        ],
      },
    },
  ];
}

export function redisManifests(ctx: ManifestContext): [V1Service, V1Deployment] {
  const selector = selectorLabels(ctx, 'redis');
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(ctx, NAMES.redis, 'redis'),
      spec: { selector, ports: [{ name: 'redis', port: 6379, targetPort: 6379 }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(ctx, NAMES.redis, 'redis'),
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: labels(ctx, 'redis') },
          spec: {
            containers: [
              {
                name: 'redis',
                image: ctx.images.redis,
                imagePullPolicy: ctx.pullPolicy,
                // args, not command: the image's entrypoint sets what a container needs (protected mode off).
                args: ['redis-server', '--save', '', '--appendonly', 'no'],
                ports: [{ name: 'redis', containerPort: 6379 }],
                readinessProbe: {
                  exec: { command: ['redis-cli', 'ping'] },
                  periodSeconds: 2,
                  timeoutSeconds: 2,
                },
                resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { memory: '256Mi' } },
              },
            ],
          },
        },
      },
    },
  ];
}

/**
 * The User API. `replicas` is deliberately absent: the count goes through the scale subresource
 * (a different field manager), so applying this never resets a count the HPA or a slider set.
 */
export function apiManifests(ctx: ManifestContext): [V1Service, V1Deployment, V1PodDisruptionBudget] {
  const selector = selectorLabels(ctx, 'api');
  const env: V1EnvVar[] = [
    { name: 'PORT', value: String(API_PORT) },
    secretEnv('POSTGRES_PASSWORD', 'postgresPassword'),
    // $(VAR) is expanded by the kubelet from the variable above; the password is hex, URL-safe.
    {
      name: 'DATABASE_URL',
      value: `postgres://${DB_USER}:$(POSTGRES_PASSWORD)@${NAMES.postgres}:5432/${DB_NAME}`,
    },
    { name: 'REDIS_URL', value: `redis://${NAMES.redis}:6379` },
    secretEnv('JWT_SECRET', 'jwtSecret'),
    { name: 'ADMIN_EMAIL', value: 'admin@scaledeck.local' },
    secretEnv('ADMIN_PASSWORD', 'adminPassword'),
    { name: 'REPLICA_ID', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'RATE_LIMIT_PER_SECOND', value: String(ctx.rateLimitPerSecond) },
    // Leave a second of the grace period (after the preStop pause) for the process to exit.
    { name: 'SHUTDOWN_TIMEOUT_MS', value: String(Math.max(1, ctx.drainSeconds - 1) * 1000) },
  ];
  if (ctx.scryptCost !== undefined) env.push({ name: 'SCRYPT_COST', value: String(ctx.scryptCost) });
  const cpu = `${Math.round(ctx.replicaCpus * 1000)}m`;
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(ctx, NAMES.api, 'api'),
      spec: {
        type: 'NodePort',
        selector,
        ports: [{ name: 'http', port: 80, targetPort: 'http' }],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(ctx, NAMES.api, 'api'),
      spec: {
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels: labels(ctx, 'api') },
          spec: {
            terminationGracePeriodSeconds: PRESTOP_SECONDS + ctx.drainSeconds,
            // On a multi-node cluster replicas go to different nodes where they can, so one node
            // going away takes fewer; ScheduleAnyway keeps a one-node cluster (or a full one) as it is.
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'kubernetes.io/hostname',
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: { matchLabels: selector },
              },
            ],
            containers: [
              {
                name: 'api',
                image: ctx.images.api,
                imagePullPolicy: ctx.pullPolicy,
                env,
                ports: [{ name: 'http', containerPort: API_PORT }],
                // Requests = limits, so CPU % (the HPA's and the charts') is of what a replica may use.
                resources: {
                  requests: { cpu, memory: '128Mi' },
                  limits: { cpu, memory: '512Mi' },
                },
                readinessProbe: {
                  httpGet: { path: '/readyz', port: 'http' },
                  periodSeconds: 1,
                  timeoutSeconds: 2,
                  failureThreshold: 2,
                },
                livenessProbe: {
                  httpGet: { path: '/healthz', port: 'http' },
                  initialDelaySeconds: 10,
                  periodSeconds: 5,
                  timeoutSeconds: 3,
                  failureThreshold: 3,
                },
                // The endpoint removal reaches kube-proxy asynchronously; serving a few more seconds
                // before SIGTERM means no new connection lands on a closed socket.
                lifecycle: { preStop: { exec: { command: ['sleep', String(PRESTOP_SECONDS)] } } },
              },
            ],
          },
        },
      },
    },
    {
      // A node drain (kubectl drain, a cluster upgrade) evicts through this budget: one API pod at a
      // time, so the Service always keeps the others. Deleting a pod (chaos kill) does not ask it.
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(ctx, NAMES.api, 'api'),
      spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
    },
  ];
}

/**
 * Prometheus scrapes every ready API pod every SCRAPE_INTERVAL_SECONDS (kit/scrape.ts, the one
 * interval), found through DNS on a headless Service (job `api`; each series keeps the `replica`
 * label the API puts on it). DNS rather than
 * kubernetes_sd: Debian's Prometheus (the offline images) is built without Kubernetes
 * discovery, DNS works on every build and needs no RBAC, and it mirrors the Docker target.
 */
export function prometheusConfig(): string {
  return prometheusConfigText({
    apiDnsName: NAMES.apiPods,
    apiPort: API_PORT,
    prometheusPort: PROMETHEUS_PORT,
  });
}

export function prometheusManifests(ctx: ManifestContext): [V1Service, V1ConfigMap, V1Service, V1Deployment] {
  const selector = selectorLabels(ctx, 'prometheus');
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(ctx, NAMES.apiPods, 'api'),
      // Headless: DNS answers with the address of every ready API pod (not-ready ones are left out).
      spec: {
        clusterIP: 'None',
        selector: selectorLabels(ctx, 'api'),
        ports: [{ name: 'http', port: API_PORT, targetPort: 'http' }],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(ctx, NAMES.prometheusConfig, 'config'),
      data: { 'prometheus.yml': prometheusConfig() },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(ctx, NAMES.prometheus, 'prometheus'),
      spec: {
        type: 'NodePort',
        selector,
        ports: [{ name: 'web', port: PROMETHEUS_PORT, targetPort: 'web' }],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(ctx, NAMES.prometheus, 'prometheus'),
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        // One TSDB at a time on its emptyDir: no overlap on a rollout.
        strategy: { type: 'Recreate' },
        template: {
          metadata: { labels: labels(ctx, 'prometheus') },
          spec: {
            // It needs nothing from the API server.
            automountServiceAccountToken: false,
            containers: [
              {
                name: 'prometheus',
                image: ctx.images.prometheus,
                imagePullPolicy: ctx.pullPolicy,
                args: [
                  '--config.file=/etc/prometheus/prometheus.yml',
                  '--storage.tsdb.path=/prometheus',
                  '--storage.tsdb.retention.time=6h',
                  `--web.listen-address=:${PROMETHEUS_PORT}`,
                ],
                ports: [{ name: 'web', containerPort: PROMETHEUS_PORT }],
                readinessProbe: { httpGet: { path: '/-/ready', port: 'web' }, periodSeconds: 2 },
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '1Gi' } },
                volumeMounts: [
                  { name: 'config', mountPath: '/etc/prometheus' },
                  { name: 'data', mountPath: '/prometheus' },
                ],
              },
            ],
            volumes: [
              { name: 'config', configMap: { name: NAMES.prometheusConfig } },
              { name: 'data', emptyDir: {} },
            ],
          },
        },
      },
    },
  ];
}

export interface HpaInput {
  minReplicas: number;
  maxReplicas: number;
  targetCpuUtilizationPercent: number;
  profile: AutoscalerProfile;
  behavior?: HpaBehaviorInput;
}

/**
 * The real HorizontalPodAutoscaler (autoscaling/v2). spec.behavior is always written in full (the
 * profile's defaults for whatever the input leaves out), so the cluster holds exactly the behavior
 * the UI shows and a re-attached app reads it back unchanged.
 */
export function hpaManifest(ctx: ManifestContext, input: HpaInput): V2HorizontalPodAutoscaler {
  const behavior = effectiveBehavior(input.profile, input.behavior);
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      ...meta(ctx, NAMES.hpa, 'api'),
      annotations: { [PROFILE_ANNOTATION]: input.profile },
    },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: NAMES.api },
      minReplicas: input.minReplicas,
      maxReplicas: input.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: input.targetCpuUtilizationPercent },
          },
        },
      ],
      behavior,
    },
  };
}

/** Everything a deploy applies, in order (the namespace and Secret come first, the API last). */
export function stackManifests(ctx: ManifestContext, secrets: StackSecrets) {
  return {
    namespace: namespaceManifest(ctx),
    secret: secretManifest(ctx, secrets),
    postgres: postgresManifests(ctx),
    redis: redisManifests(ctx),
    prometheus: prometheusManifests(ctx),
    api: apiManifests(ctx),
  };
}
