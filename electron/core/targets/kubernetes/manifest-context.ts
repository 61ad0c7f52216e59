/** The context k8s/manifests.ts builds a stack's objects from: this stack, these settings, these images. */
import type { Settings } from '../../settings.ts';
import type { ManifestContext } from '../../../../k8s/manifests.ts';
import type { StackApi } from './stack-api.ts';

/** For objects whose shape does not depend on the images (the HPA, and what teardown deletes). */
export const NO_IMAGES: ManifestContext['images'] = { api: '', postgres: '', redis: '', prometheus: '' };

export function manifestContext(
  api: StackApi,
  settings: Settings,
  images: ManifestContext['images'] = NO_IMAGES,
  pullPolicy: ManifestContext['pullPolicy'] = 'IfNotPresent',
): ManifestContext {
  const ctx: ManifestContext = {
    stack: api.stack,
    namespace: api.namespace,
    images,
    replicaCpus: settings.replicaCpus,
    drainSeconds: settings.drainSeconds,
    rateLimitPerSecond: settings.rateLimitPerSecond,
    pullPolicy,
  };
  if (settings.scryptCost !== undefined) ctx.scryptCost = settings.scryptCost;
  return ctx;
}
