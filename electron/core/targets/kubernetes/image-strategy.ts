/**
 * How a locally built image reaches a cluster, told from the context the way Tilt does
 * (tilt-dev/clusterid): the cluster's name names the product. Pure, so every rule is unit-tested.
 */
import { ScaledeckError } from '../../errors.ts';

export type ImageStrategy =
  /** The Docker engine is the cluster's (Docker Desktop): a local build is already there. */
  | { kind: 'shared-engine'; product: 'docker-desktop' | 'orbstack' }
  /** A command copies each image into the nodes. */
  | {
      kind: 'load';
      product: 'minikube' | 'kind' | 'k3d' | 'scaledeck-local';
      command: (image: string[]) => string[];
    }
  /** Tag and push to a registry the nodes pull from. */
  | { kind: 'registry'; product: string; registry: string };

export interface ClusterIdentity {
  contextName: string;
  /** The kubeconfig cluster entry's name (what Tilt reads). */
  clusterName: string;
  /** settings.kubernetes.registry, when set. */
  registry?: string | undefined;
  /** The cluster's own registry, from ConfigMap kube-public/local-registry-hosting (KEP-1755). */
  localRegistryHosting?: string | undefined;
}

export type ClusterProduct =
  | 'minikube'
  | 'kind'
  | 'k3d'
  | 'docker-desktop'
  | 'orbstack'
  | 'microk8s'
  | 'rancher-desktop'
  | 'colima'
  | 'gke'
  | 'eks'
  | 'scaledeck-local'
  | 'unknown';

export function clusterProduct(clusterName: string): ClusterProduct {
  const name = clusterName.toLowerCase();
  if (name === 'scaledeck-local') return 'scaledeck-local';
  if (name.startsWith('minikube')) return 'minikube';
  if (name === 'docker-desktop' || name === 'docker-for-desktop-cluster') return 'docker-desktop';
  if (name === 'kind' || name.startsWith('kind-')) return 'kind';
  if (name.startsWith('k3d-')) return 'k3d';
  if (name.startsWith('microk8s')) return 'microk8s';
  if (name.startsWith('rancher-desktop')) return 'rancher-desktop';
  if (name.startsWith('colima')) return 'colima';
  if (name === 'orbstack') return 'orbstack';
  if (name.startsWith('gke')) return 'gke';
  if (name.startsWith('arn:aws:eks:')) return 'eks';
  return 'unknown';
}

/** `host: "localhost:5000"` from the local-registry-hosting ConfigMap's value (YAML, one key). */
export function registryFromHosting(value: string | undefined): string | undefined {
  const match = value?.match(/^\s*host:\s*["']?([^"'\s]+)["']?\s*$/m);
  return match?.[1];
}

/**
 * The local test cluster's loader is a script of a Scaledeck checkout (e2e/cluster/load-image.sh),
 * which the packaged app does not ship: its path comes from SCALEDECK_LOAD_IMAGE_SCRIPT (the
 * test harness sets it). Without it, only a deploy that has images to load fails, saying so.
 */
function localClusterLoader(contextName: string, loadImageScript: string | undefined) {
  return (images: string[]): string[] => {
    if (loadImageScript === undefined)
      throw new ScaledeckError(
        'NO_IMAGE_STRATEGY',
        `context "${contextName}" is Scaledeck's local test cluster, whose images are loaded by ` +
          'e2e/cluster/load-image.sh of a Scaledeck checkout, and SCALEDECK_LOAD_IMAGE_SCRIPT is not set: ' +
          "set it to that script's path (the test harness does), or set settings.kubernetes.registry, " +
          `or load ${images.join(' ')} yourself (npm run cluster:load-image -- IMAGE...)`,
        'SCALEDECK_LOAD_IMAGE_SCRIPT',
      );
    return ['bash', loadImageScript, ...images];
  };
}

export function pickImageStrategy(
  identity: ClusterIdentity,
  loadImageScript: string | undefined,
): ImageStrategy {
  const product = clusterProduct(identity.clusterName);
  // An explicit registry in settings wins: the user said where images go.
  if (identity.registry) return { kind: 'registry', product, registry: identity.registry };
  switch (product) {
    case 'scaledeck-local':
      return { kind: 'load', product, command: localClusterLoader(identity.contextName, loadImageScript) };
    case 'minikube':
      return {
        kind: 'load',
        product,
        command: (images) => ['minikube', 'image', 'load', '-p', identity.clusterName, ...images],
      };
    case 'kind':
      return {
        kind: 'load',
        product,
        command: (images) => [
          'kind',
          'load',
          'docker-image',
          '--name',
          identity.clusterName === 'kind' ? 'kind' : identity.clusterName.slice('kind-'.length),
          ...images,
        ],
      };
    case 'k3d':
      return {
        kind: 'load',
        product,
        command: (images) => [
          'k3d',
          'image',
          'import',
          '-c',
          identity.clusterName.slice('k3d-'.length),
          ...images,
        ],
      };
    case 'docker-desktop':
    case 'orbstack':
      return { kind: 'shared-engine', product };
    default: {
      const local = registryFromHosting(identity.localRegistryHosting);
      if (local) return { kind: 'registry', product, registry: local };
      throw new ScaledeckError(
        'NO_IMAGE_STRATEGY',
        `cannot tell how the locally built API image reaches context "${identity.contextName}" ` +
          `(cluster "${identity.clusterName}" is not Minikube, kind, k3d, Docker Desktop or the local test cluster, ` +
          'and it names no local registry); set settings.kubernetes.registry to a registry its nodes pull from, ' +
          'or settings.images.api to an image they can already pull',
        'settings.kubernetes.registry',
      );
    }
  }
}
