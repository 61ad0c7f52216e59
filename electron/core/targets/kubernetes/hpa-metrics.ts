/**
 * Which autoscaler metrics the Kubernetes target can hand to the real HPA today. CPU comes from
 * metrics.k8s.io (metrics-server); requests per second and p95 are Pods and Object metrics, served
 * by a custom.metrics.k8s.io adapter that Scaledeck does not install yet. Refusing them here, before
 * anything is applied, beats an HPA that sits at "unknown" for those metrics.
 */
import type { EnabledAutoscaler } from '../../contract.ts';
import { ValidationError } from '../../errors.ts';

export function assertKubernetesMetrics(input: Pick<EnabledAutoscaler, 'metrics'>): void {
  const unsupported = (input.metrics ?? []).filter((m) => m.metric !== 'cpu');
  if (unsupported.length === 0) return;
  throw new ValidationError(
    'metrics',
    `requests per second and p95 on Kubernetes need a custom metrics adapter, not yet installed by ` +
      `Scaledeck; use CPU (asked for: ${unsupported.map((m) => m.metric).join(', ')})`,
  );
}
