/**
 * Deploy: server-side apply of the stack in dependency order (namespace, Secret, PostgreSQL,
 * Redis, Prometheus, then the API once its backends answer), the replica count unless the HPA
 * owns it, and the waits and probes a deploy ends with.
 */
import type { CoreEvent, DeployInput, StackStatus } from '../../contract.ts';
import type { Settings } from '../../settings.ts';
import { NAMES, stackManifests, type ManifestContext } from '../../../../k8s/manifests.ts';
import { waitStackAnswers } from '../kit/probes.ts';
import type { Progress } from '../kit/progress.ts';
import { generateSecrets } from '../kit/secrets.ts';
import { syncDatabasePassword } from './exec.ts';
import { manifestContext } from './manifest-context.ts';
import { readDeploymentReplicas, readHpa, type ReplicaControl } from './replicas.ts';
import type { StackApi } from './stack-api.ts';
import { secretsFromSecret } from './stack-state.ts';
import { waitComponent, waitUntil } from './waits.ts';

export interface DeployParts {
  api: StackApi;
  settings: Settings;
  replicas: ReplicaControl;
  emit: (event: CoreEvent) => void;
  status: () => Promise<StackStatus>;
  waitReady: (timeoutMs: number) => Promise<StackStatus>;
}

export interface PreparedImages {
  images: ManifestContext['images'];
  pullPolicy: ManifestContext['pullPolicy'];
}

async function readSecrets(api: StackApi) {
  const secret = await api.optional(api.where(`Secret ${NAMES.secret}`), () =>
    api.core.readNamespacedSecret({ name: NAMES.secret, namespace: api.namespace }),
  );
  return secretsFromSecret(secret);
}

/** Applies the stack with images already on the nodes and waits until it answers. */
export async function applyStack(
  parts: DeployParts,
  input: DeployInput,
  prepared: PreparedImages,
  progress: Progress,
): Promise<StackStatus> {
  const { api, settings, replicas, emit } = parts;
  const ctx = manifestContext(api, settings, prepared.images, prepared.pullPolicy);
  progress('apply', 45, `server-side apply to namespace ${api.namespace} of context ${api.contextName}`);
  const existing = await readSecrets(api);
  const secrets = existing ?? generateSecrets();
  const manifests = stackManifests(ctx, secrets);
  await api.apply(manifests.namespace);
  // Applying the same generated values again is a no-op; new ones only when there were none.
  if (existing === null) await api.apply(manifests.secret);
  for (const object of [...manifests.postgres, ...manifests.redis, ...manifests.prometheus])
    await api.apply(object);
  // The API starts once its backends answer: replicas that come up before Redis would
  // serve their first reads with the cache circuit open.
  progress('database', 50, 'waiting for PostgreSQL and Redis');
  await Promise.all([waitComponent(api, 'postgres', 180_000), waitComponent(api, 'redis', 120_000)]);
  if (existing === null) await syncDatabasePassword(api);
  const hpa = await readHpa(api);
  const before = await readDeploymentReplicas(api);
  for (const object of manifests.api) await api.apply(object);
  if (hpa === null) {
    await replicas.set(input.replicas);
    if (before !== input.replicas)
      emit({ type: 'scale', at: Date.now(), source: 'deploy', from: before ?? 0, to: input.replicas });
  } else {
    progress(
      'apply',
      50,
      `the HorizontalPodAutoscaler owns the replica count (${hpa.spec?.minReplicas}..${hpa.spec?.maxReplicas}); deploy leaves it`,
    );
  }

  progress('replicas', 70, 'waiting for every API replica to be ready');
  await parts.waitReady(180_000);
  await waitComponent(api, 'prometheus', 120_000);
  progress('health', 90, 'checking the URLs from this machine');
  const status = await parts.status();
  await waitStackAnswers(
    status.endpoints,
    { loadBalancer: '/healthz', loadBalancerWait: 'the API answering through its Service' },
    waitUntil,
  );
  progress('done', 100, `stack ${api.stack} is running in ${api.namespace} on ${api.contextName}`);
  return parts.status();
}
