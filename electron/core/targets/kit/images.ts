import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { pack } from 'tar-fs';
import { ScaledeckError } from '../../errors.ts';

// The build context of the User API image. Bundled into the Electron main, this file no longer sits
// four levels below the repository, so the app names the folder (its resources when packaged).
export const SERVICE_DIR =
  process.env.SCALEDECK_SERVICE_DIR ?? path.resolve(import.meta.dirname, '../../../../service');
export const API_IMAGE_REPO = 'scaledeck/user-api';

interface BuildMessage {
  stream?: string;
  status?: string;
  progress?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/**
 * .dockerignore rules, read the simple way: patterns are globs relative to the context root,
 * a pattern also excludes everything below a matching directory, `!` re-includes. node_modules
 * and dist are never sent: the Dockerfile installs and builds inside the image.
 */
export function contextFilter(contextDir: string): (relativePath: string) => boolean {
  const file = path.join(contextDir, '.dockerignore');
  const rules = (existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [])
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => ({
      negate: line.startsWith('!'),
      glob: line.replace(/^!/, '').replace(/^\/+|\/+$/g, ''),
    }));
  rules.unshift({ negate: false, glob: 'node_modules' }, { negate: false, glob: 'dist' });
  return (relativePath) => {
    // Like the docker CLI: the Dockerfile and .dockerignore are always sent, even when listed.
    if (relativePath === 'Dockerfile' || relativePath === '.dockerignore') return false;
    const parts = relativePath.split(path.sep);
    let ignored = false;
    for (const rule of rules) {
      const matches = parts.some((_, i) => path.matchesGlob(parts.slice(0, i + 1).join('/'), rule.glob));
      if (matches) ignored = !rule.negate;
    }
    return ignored;
  };
}

/** The files the build context sends, relative to its root, sorted: what contextFilter lets through. */
export function contextFiles(contextDir: string): string[] {
  const ignored = contextFilter(contextDir);
  const files: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(contextDir, relative), { withFileTypes: true })) {
      const child = relative === '' ? entry.name : path.join(relative, entry.name);
      // An ignored directory is not descended into, as in the packed context.
      if (ignored(child)) continue;
      if (entry.isDirectory()) walk(child);
      else files.push(child);
    }
  };
  walk('');
  return files.sort();
}

/**
 * A hash of everything the image is made from: every file the context sends (path, executable
 * bit, contents or link target; the Dockerfile among them), the base image by reference and by
 * ID (a re-pulled or rebuilt base under the same tag counts), and the build arguments.
 */
export function buildInputsHash(contextDir: string, base: { ref: string; id: string | null }): string {
  const hash = createHash('sha256');
  const field = (value: string | Buffer) => {
    hash.update(String(Buffer.byteLength(value)));
    hash.update(':');
    hash.update(value);
  };
  field(`base ${base.ref} ${base.id ?? '-'}`);
  field(`buildargs NODE_IMAGE=${base.ref}`);
  for (const file of contextFiles(contextDir)) {
    const absolute = path.join(contextDir, file);
    const stat = lstatSync(absolute);
    field(
      `${file.split(path.sep).join('/')} ${stat.isSymbolicLink() ? 'link' : stat.mode & 0o111 ? 'exec' : 'file'}`,
    );
    field(stat.isSymbolicLink() ? readlinkSync(absolute) : readFileSync(absolute));
  }
  return hash.digest('hex');
}

/**
 * Builds the User API image from service/, streaming the build's own output lines as progress.
 * The tag carries a hash of the build inputs: a warm rebuild of unchanged inputs is a cache hit
 * under the same tag, and any change to them gives a new tag (so a redeploy rolls the replicas).
 */
export async function buildApiImage(
  docker: Dockerode,
  options: { nodeBase: string; contextDir?: string; tag?: string; onLog?: (line: string) => void },
): Promise<string> {
  const contextDir = options.contextDir ?? SERVICE_DIR;
  if (!existsSync(path.join(contextDir, 'Dockerfile'))) {
    throw new ScaledeckError(
      'BUILD_FAILED',
      `no Dockerfile in ${contextDir}; set settings.images.api to a prebuilt image`,
    );
  }
  const ignored = contextFilter(contextDir);
  const tag =
    options.tag ??
    `${API_IMAGE_REPO}:${buildInputsHash(contextDir, {
      ref: options.nodeBase,
      id: await docker
        .getImage(options.nodeBase)
        .inspect()
        .then(
          (image) => image.Id,
          () => null,
        ),
    }).slice(0, 12)}`;
  const context = pack(contextDir, { ignore: (name) => ignored(path.relative(contextDir, name)) });
  const stream: NodeJS.ReadableStream = await docker.buildImage(context as unknown as NodeJS.ReadableStream, {
    t: tag,
    buildargs: { NODE_IMAGE: options.nodeBase },
    rm: true,
    forcerm: true,
    labels: { 'scaledeck.managed-by': 'scaledeck', 'scaledeck.role': 'api-image' },
  });
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null) => (error ? reject(error) : resolve()),
      (message: BuildMessage) => {
        const failure = message.error ?? message.errorDetail?.message;
        if (failure) {
          reject(new ScaledeckError('BUILD_FAILED', `building the API image failed: ${failure.trim()}`));
          return;
        }
        const line = (message.stream ?? message.status ?? '').trimEnd();
        if (line !== '') options.onLog?.(line);
      },
    );
  });
  return tag;
}

export async function imageExists(docker: Dockerode, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

/** Uses a local image when present, else pulls it; a failed pull says how to override it. */
export async function ensureImage(
  docker: Dockerode,
  ref: string,
  settingKey: string,
  onLog?: (line: string) => void,
): Promise<void> {
  if (await imageExists(docker, ref)) return;
  onLog?.(`pulling ${ref}`);
  try {
    const stream = await docker.pull(ref);
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (error: Error | null) => (error ? reject(error) : resolve()),
        (message: BuildMessage) => {
          if (message.status && !message.progress) onLog?.(`${ref}: ${message.status}`);
        },
      );
    });
  } catch (error) {
    throw new ScaledeckError(
      'IMAGE_UNAVAILABLE',
      `image ${ref} is not on this engine and cannot be pulled (${(error as Error).message.trim()}); ` +
        `build or load it, or point settings.${settingKey} at an image that is (npm run images:offline builds local ones)`,
      `settings.${settingKey}`,
      { cause: error },
    );
  }
}
