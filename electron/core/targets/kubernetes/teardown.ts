/**
 * Removing a stack: every object it applied, then its pods gone; the namespace (and the
 * PostgreSQL claim with it) only when volumes are deleted too.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ProgressListener, TeardownInput } from '../../contract.ts';
import type { Settings } from '../../settings.ts';
import { hpaManifest, stackManifests } from '../../../../k8s/manifests.ts';
import { manifestContext } from './manifest-context.ts';
import type { StackApi } from './stack-api.ts';
import { podsOf, waitUntil } from './waits.ts';

/** Every object a deploy applies (and the HPA), in the order they are deleted. */
function stackObjects(api: StackApi, settings: Settings): KubernetesObject[] {
  const ctx = manifestContext(api, settings);
  const m = stackManifests(ctx, { postgresPassword: '', jwtSecret: '', adminPassword: '' });
  return [
    hpaManifest(ctx, {
      minReplicas: 1,
      maxReplicas: 1,
      targetCpuUtilizationPercent: 50,
      profile: 'kubernetes',
    }),
    ...m.api,
    ...m.prometheus,
    ...m.redis,
    ...m.postgres,
    m.secret,
  ];
}

export async function removeStack(
  api: StackApi,
  settings: Settings,
  input: TeardownInput,
  onProgress: ProgressListener,
): Promise<void> {
  onProgress({ step: 'objects', percent: 10 });
  for (const object of stackObjects(api, settings)) {
    await api.deleteIfPresent(api.where(`${object.kind} ${object.metadata?.name}`), () =>
      api.objects.delete(object, undefined, undefined, undefined, undefined, 'Background'),
    );
  }
  onProgress({ step: 'pods', percent: 50 });
  await waitUntil('the stack’s pods gone', 120_000, async () => (await podsOf(api)).length === 0);
  if (input.deleteVolumes) {
    onProgress({ step: 'volumes', percent: 80 });
    await api.deleteIfPresent(`namespace ${api.namespace}`, () =>
      api.core.deleteNamespace({ name: api.namespace }),
    );
  }
}
