/**
 * The real HorizontalPodAutoscaler (autoscaling/v2): applied with the contract's values, deleted
 * when turned off (the Deployment keeps the count it left), and refused where the cluster serves
 * no metrics API, on which it would sit at "unknown" forever.
 */
import { ApiregistrationV1Api } from '@kubernetes/client-node';
import type { AutoscalerInput, EnabledAutoscaler } from '../../contract.ts';
import { ScaledeckError } from '../../errors.ts';
import type { Settings } from '../../settings.ts';
import { NAMES, hpaManifest } from '../../../../k8s/manifests.ts';
import { assertKubernetesMetrics } from './hpa-metrics.ts';
import { manifestContext } from './manifest-context.ts';
import { notDeployed, readDeploymentReplicas } from './replicas.ts';
import type { StackApi } from './stack-api.ts';

export async function applyAutoscaler(
  api: StackApi,
  settings: Settings,
  input: AutoscalerInput,
): Promise<EnabledAutoscaler | null> {
  if (input.enabled) assertKubernetesMetrics(input);
  if ((await readDeploymentReplicas(api)) === null) throw notDeployed(api);
  if (!input.enabled) {
    // The Deployment keeps the count the HPA left; the slider owns it from here.
    await api.deleteIfPresent(api.where(`HorizontalPodAutoscaler ${NAMES.hpa}`), () =>
      api.autoscaling.deleteNamespacedHorizontalPodAutoscaler({ name: NAMES.hpa, namespace: api.namespace }),
    );
    return null;
  }
  await assertMetricsApi(api);
  await api.apply(hpaManifest(manifestContext(api, settings), input));
  return input;
}

/** The HPA needs metrics.k8s.io; without it, it would sit at "unknown" forever. */
async function assertMetricsApi(api: StackApi): Promise<void> {
  const registration = api.kc.makeApiClient(ApiregistrationV1Api);
  const service = await api.optional('APIService v1beta1.metrics.k8s.io', () =>
    registration.readAPIService({ name: 'v1beta1.metrics.k8s.io' }),
  );
  const available = service?.status?.conditions?.find((c) => c.type === 'Available');
  if (service === null || available?.status !== 'True') {
    throw new ScaledeckError(
      'METRICS_UNAVAILABLE',
      `context "${api.contextName}" does not serve the metrics API (metrics.k8s.io${service === null ? ' is not registered' : `: ${available?.message ?? 'not available'}`}), ` +
        'so a HorizontalPodAutoscaler cannot read CPU; install metrics-server (`minikube addons enable metrics-server`, ' +
        'or `kubectl apply -f https://github.com/kubernetes-sigs/metrics-server/releases/latest/download/components.yaml`) and try again',
      'autoscaler',
    );
  }
}
