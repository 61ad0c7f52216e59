/**
 * Getting images into the cluster: the API image gets a content-addressed tag (so the pod
 * template changes exactly when the image does, and a redeploy of the same build is a no-op),
 * then the picked strategy ships what the nodes do not have yet.
 */
import { spawn } from 'node:child_process';
import type Dockerode from 'dockerode';
import { ScaledeckError } from '../../errors.ts';
import type { ImageStrategy } from './image-strategy.ts';

/** How a kubelet spells a reference: `redis:7` -> `docker.io/library/redis:7`. */
export function normalizeImageRef(ref: string): string {
  const withTag = /:[^/]+$/.test(ref) || ref.includes('@') ? ref : `${ref}:latest`;
  const first = withTag.split('/')[0] ?? '';
  const hasRegistry =
    withTag.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry) return withTag;
  return withTag.includes('/') ? `docker.io/${withTag}` : `docker.io/library/${withTag}`;
}

/** Tags a local image by its content (`repo:<12 hex of its ID>`) and returns that reference. */
export async function contentTag(docker: Dockerode, ref: string): Promise<string> {
  const info = await docker.getImage(ref).inspect();
  const repo = ref.replace(/[:@][^/]*$/, '');
  const tag = info.Id.replace(/^sha256:/, '').slice(0, 12);
  await docker.getImage(info.Id).tag({ repo, tag });
  return `${repo}:${tag}`;
}

export async function runCommand(argv: string[], onLog: (line: string) => void): Promise<void> {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error('empty command');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        tail.push(line);
        if (tail.length > 10) tail.shift();
        onLog(line);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) =>
      reject(
        new ScaledeckError(
          'IMAGE_LOAD_FAILED',
          `cannot run \`${command}\` to load images into the cluster (${error.message}); install it or set settings.kubernetes.registry`,
          undefined,
          { cause: error },
        ),
      ),
    );
    child.on('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new ScaledeckError(
            'IMAGE_LOAD_FAILED',
            `\`${argv.join(' ')}\` exited with ${code}: ${tail.slice(-3).join(' | ')}`,
          ),
        );
    });
  });
}

async function pushImage(docker: Dockerode, ref: string, onLog: (line: string) => void): Promise<void> {
  const image = docker.getImage(ref);
  // The engine refuses a push without an X-Registry-Auth header ("Bad parameters and missing
  // X-Registry-Auth"); an empty one is an anonymous push, which a local registry takes.
  const stream = (await image.push({ authconfig: {} })) as NodeJS.ReadableStream;
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null) => (error ? reject(error) : resolve()),
      (message: { status?: string; error?: string; progress?: string }) => {
        if (message.error)
          reject(new ScaledeckError('IMAGE_PUSH_FAILED', `pushing ${ref} failed: ${message.error}`));
        else if (message.status && !message.progress) onLog(`${ref}: ${message.status}`);
      },
    );
  });
}

export interface ShipRequest {
  strategy: ImageStrategy;
  docker: Dockerode;
  /** Locally built or local-only images (the API), always shipped unless the node has them. */
  images: string[];
  /** Names every schedulable node already holds (node.status.images; nodes.ts imagesOnEveryNode). */
  onNode: ReadonlySet<string>;
  onLog: (line: string) => void;
}

/** Ships images and returns the references pods must use (a registry prefix when pushed). */
export async function shipImages(request: ShipRequest): Promise<Map<string, string>> {
  const { strategy, docker, onLog } = request;
  const refs = new Map(request.images.map((image) => [image, image]));
  if (strategy.kind === 'shared-engine') return refs;
  if (strategy.kind === 'registry') {
    for (const image of request.images) {
      const target = `${strategy.registry}/${image.replace(/^docker\.io\//, '')}`;
      const colon = target.lastIndexOf(':');
      await docker.getImage(image).tag({ repo: target.slice(0, colon), tag: target.slice(colon + 1) });
      onLog(`pushing ${target}`);
      await pushImage(docker, target, onLog);
      refs.set(image, target);
    }
    return refs;
  }
  const missing = request.images.filter((image) => !request.onNode.has(normalizeImageRef(image)));
  if (missing.length > 0) {
    onLog(`loading ${missing.join(' ')} into the ${strategy.product} cluster`);
    await runCommand(strategy.command(missing), onLog);
  }
  return refs;
}
