/**
 * The API Service's EndpointSlices: which pods the Service routes to. A pod turns Ready before
 * the EndpointSlice controller adds it, and traffic reaches it only after that (kube-proxy
 * follows within about a second), so "serving" is read here, not from the pods.
 */
import { NAMES } from '../../../../k8s/manifests.ts';
import { statusCodeOf } from './connect.ts';
import type { StackApi } from './stack-api.ts';

/**
 * Names of the pods the API Service lists as ready endpoints; null when this user may not read
 * EndpointSlices (403), so callers fall back to the pods' own readiness.
 */
export async function readyEndpoints(api: StackApi): Promise<Set<string> | null> {
  try {
    const slices = await api.call('list', api.where(`EndpointSlices of Service ${NAMES.api}`), () =>
      api.discovery.listNamespacedEndpointSlice({
        namespace: api.namespace,
        labelSelector: `kubernetes.io/service-name=${NAMES.api}`,
      }),
    );
    return new Set(
      slices.items
        .flatMap((slice) => slice.endpoints ?? [])
        .filter((endpoint) => endpoint.conditions?.ready === true)
        .flatMap((endpoint) => (endpoint.targetRef?.name ? [endpoint.targetRef.name] : [])),
    );
  } catch (error) {
    if (statusCodeOf(error) === 403) return null;
    throw error;
  }
}
