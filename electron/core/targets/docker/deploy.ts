/**
 * Deploy: images first (outside the lock: a build takes minutes), then, one mutation at a time,
 * the stack's parts, the replica count, and a roll of replicas whose spec changed.
 */
import type { DeployInput, ProgressListener, StackStatus } from '../../contract.ts';
import { resolveImages } from '../../settings.ts';
import { buildApiImage, ensureImage } from '../kit/images.ts';
import { pollUntil } from '../kit/poll.ts';
import { waitStackAnswers } from '../kit/probes.ts';
import { progressReporter, type Progress } from '../kit/progress.ts';
import { generateSecrets } from '../kit/secrets.ts';
import { assertEngine } from './connect.ts';
import { ensureContainer, inspectOrNull } from './containers.ts';
import { ensureNetworksAndVolume, syncDatabasePassword, waitHealthy } from './infra.ts';
import { nginxConfig } from './nginx-config.ts';
import { prometheusConfig } from './prometheus-config.ts';
import type { ReplicaSet } from './replica-set.ts';
import type { StackRuntime } from './runtime.ts';
import type { StackContextCache } from './stack-context.ts';
import { loadBalancerSpec, postgresSpec, prometheusSpec, redisSpec, secretsFromEnv } from './stack-spec.ts';
import type { DesiredStateStore } from './state-store.ts';

export interface DeployParts {
  runtime: StackRuntime;
  store: DesiredStateStore;
  contexts: StackContextCache;
  replicas: ReplicaSet;
  exclusive: <T>(work: () => Promise<T>) => Promise<T>;
  waitReady: (timeoutMs: number) => Promise<StackStatus>;
  status: () => Promise<StackStatus>;
}

export async function deployStack(
  parts: DeployParts,
  input: DeployInput,
  onProgress: ProgressListener,
): Promise<StackStatus> {
  const { runtime } = parts;
  const progress = progressReporter(onProgress, (event) => runtime.emit(event));
  await assertEngine(runtime.docker);
  const apiImage = await ensureImages(runtime, progress);
  return parts.exclusive(async () => {
    await parts.contexts.useApiImage(apiImage);
    return converge(parts, input, progress);
  });
}

/** Pulls what is missing and builds (or pulls) the API image; returns the API image reference. */
async function ensureImages(runtime: StackRuntime, progress: Progress): Promise<string> {
  const { docker } = runtime;
  progress('images', 2);
  const images = resolveImages(runtime.settings);
  const roles = ['postgres', 'redis', 'nginx', 'prometheus'] as const;
  for (const [i, key] of roles.entries()) {
    await ensureImage(docker, images[key], `images.${key}`, (line) => progress('images', 2 + i * 3, line));
  }
  if (images.api !== undefined) {
    await ensureImage(docker, images.api, 'images.api', (line) => progress('build', 20, line));
    return images.api;
  }
  progress('build', 15, `building the User API image from service/ on ${images.nodeBase}`);
  await ensureImage(docker, images.nodeBase, 'images.nodeBase', (line) => progress('build', 15, line));
  let lines = 0;
  return buildApiImage(docker, {
    nodeBase: images.nodeBase,
    onLog: (line) => progress('build', Math.min(40, 15 + ++lines / 4), line),
  });
}

async function converge(parts: DeployParts, input: DeployInput, progress: Progress): Promise<StackStatus> {
  const { runtime, store, contexts, replicas } = parts;
  const { docker, names, stack } = runtime;
  progress('network', 42);
  await ensureNetworksAndVolume(runtime);
  const postgres = await inspectOrNull(docker, names.postgres);
  const reused = postgres === null ? null : secretsFromEnv(postgres.Config.Env ?? []);
  contexts.useSecrets(reused ?? generateSecrets());
  const template = await contexts.template();
  const { ctx } = template;

  progress('database', 45, 'starting PostgreSQL and Redis');
  await Promise.all([
    ensureContainer(docker, stack, { ...postgresSpec(ctx), name: names.postgres }),
    ensureContainer(docker, stack, { ...redisSpec(ctx), name: names.redis }),
  ]);
  await Promise.all([
    waitHealthy(runtime, names.postgres, 120_000),
    waitHealthy(runtime, names.redis, 60_000),
  ]);
  if (reused === null) await syncDatabasePassword(runtime);

  progress('replicas', 55, `starting ${input.replicas} API replica(s)`);
  const previous = await store.read();
  await store.write({ desiredReplicas: input.replicas });
  runtime.emit({
    type: 'scale',
    at: Date.now(),
    source: 'deploy',
    from: previous?.desiredReplicas ?? 0,
    to: input.replicas,
  });
  const edge = Promise.all([
    ensureContainer(
      docker,
      stack,
      { ...loadBalancerSpec(ctx), name: names.lb },
      { dir: '/etc/nginx/conf.d', content: { 'default.conf': nginxConfig() } },
    ),
    ensureContainer(
      docker,
      stack,
      { ...prometheusSpec(ctx), name: names.prometheus },
      { dir: '/etc/prometheus', content: { 'prometheus.yml': prometheusConfig() } },
    ),
  ]);
  const scaled = await replicas.converge(template, input.replicas);
  await edge;
  const rolled = await replicas.roll(template, (done, total) =>
    progress(
      'replicas',
      55 + Math.round((15 * done) / total),
      `rolled ${done} of ${total} replica(s) to the new spec`,
    ),
  );
  await Promise.all([scaled.drained, rolled.drained]);

  progress('health', 75, 'waiting for every replica to be ready');
  await parts.waitReady(120_000);
  const status = await parts.status();
  progress('health', 90, 'waiting for the load balancer and Prometheus');
  await waitStackAnswers(
    status.endpoints,
    { loadBalancer: '/lb-healthz', loadBalancerWait: 'the load balancer answering' },
    (what, timeoutMs, check) => pollUntil(what, { timeoutMs }, check),
  );
  progress('done', 100, `stack ${stack} is running`);
  return parts.status();
}
