/**
 * The images a deploy runs, on the cluster's nodes: the User API image built (or taken from
 * settings) and tagged by content, the strategy picked from the context, and whatever the nodes
 * do not have shipped by it.
 */
import type Dockerode from 'dockerode';
import { ScaledeckError } from '../../errors.ts';
import { resolveImages, type Settings } from '../../settings.ts';
import type { ManifestContext } from '../../../../k8s/manifests.ts';
import { buildApiImage, ensureImage, imageExists } from '../kit/images.ts';
import type { Progress } from '../kit/progress.ts';
import { pickImageStrategy, type ImageStrategy } from './image-strategy.ts';
import { contentTag, shipImages } from './images.ts';
import { imagesOnEveryNode } from './nodes.ts';
import type { StackApi } from './stack-api.ts';

/**
 * The local test cluster (e2e/cluster) takes images through its load-image.sh, which lives in a
 * Scaledeck checkout, not in the app: whoever brings that cluster up says where it is.
 */
export const LOAD_IMAGE_SCRIPT_ENV = 'SCALEDECK_LOAD_IMAGE_SCRIPT';

export async function imageStrategy(api: StackApi, settings: Settings): Promise<ImageStrategy> {
  const hosting = await api.optional('ConfigMap local-registry-hosting in namespace kube-public', () =>
    api.core.readNamespacedConfigMap({ name: 'local-registry-hosting', namespace: 'kube-public' }),
  );
  return pickImageStrategy(
    {
      contextName: api.contextName,
      clusterName: api.kc.getCurrentCluster()?.name ?? '',
      registry: settings.kubernetes?.registry,
      localRegistryHosting: hosting?.data?.['localRegistryHosting.v1'],
    },
    process.env[LOAD_IMAGE_SCRIPT_ENV] || undefined,
  );
}

async function imagesOnNodes(api: StackApi): Promise<Set<string>> {
  const nodes = await api.call('list', 'nodes', () => api.core.listNode());
  return imagesOnEveryNode(nodes.items);
}

export function requireDocker(docker: Dockerode | undefined, what: string): Dockerode {
  if (docker === undefined)
    throw new ScaledeckError(
      'ENGINE_UNAVAILABLE',
      `${what} needs the local Docker engine, and none was given`,
    );
  return docker;
}

/** Builds (or takes) the API image and gets every image the stack runs onto the nodes. */
export async function prepareImages(
  api: StackApi,
  settings: Settings,
  dockerOrNone: Dockerode | undefined,
  progress: Progress,
): Promise<{ images: ManifestContext['images']; pullPolicy: ManifestContext['pullPolicy'] }> {
  const images = resolveImages(settings);
  const docker = requireDocker(dockerOrNone, 'building the User API image');
  let apiImage: string;
  if (images.api !== undefined) {
    apiImage = images.api;
  } else {
    progress('build', 5, `building the User API image from service/ on ${images.nodeBase}`);
    await ensureImage(docker, images.nodeBase, 'images.nodeBase', (line) => progress('build', 5, line));
    let lines = 0;
    const built = await buildApiImage(docker, {
      nodeBase: images.nodeBase,
      onLog: (line) => progress('build', Math.min(30, 5 + ++lines / 4), line),
    });
    apiImage = await contentTag(docker, built);
  }
  progress('images', 32, 'choosing how images reach the cluster');
  const strategy = await imageStrategy(api, settings);
  const wanted = [apiImage, images.postgres, images.redis, images.prometheus];
  // What exists in the local engine is shipped; anything else the nodes pull themselves.
  const local: string[] = [];
  for (const image of wanted) if (await imageExists(docker, image)) local.push(image);
  const onNode = strategy.kind === 'load' ? await imagesOnNodes(api) : new Set<string>();
  progress('images', 35, `${strategy.product}: ${strategy.kind}`);
  const shipped = await shipImages({
    strategy,
    docker,
    images: strategy.kind === 'registry' ? local.filter((image) => image === apiImage) : local,
    onNode,
    onLog: (line) => progress('images', 40, line),
  });
  const ref = (image: string) => shipped.get(image) ?? image;
  return {
    images: {
      api: ref(apiImage),
      postgres: ref(images.postgres),
      redis: ref(images.redis),
      prometheus: ref(images.prometheus),
    },
    pullPolicy: 'IfNotPresent',
  };
}
