/** Building an image from a context directory on the real engine, with streamed output. */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScaledeckError } from '../../errors.ts';
import { loadSettings, resolveImages } from '../../settings.ts';
import { API_IMAGE_REPO, buildApiImage, contextFilter, ensureImage } from './images.ts';
import { offlineSettingsFile } from '../../../../scripts/lib/offline-images.ts';

const docker = new Dockerode();
const tag = `scaledeck-test/build-${randomBytes(3).toString('hex')}:latest`;
let nodeBase: string;
let contextDir: string;

beforeAll(async () => {
  nodeBase = resolveImages(await loadSettings(await offlineSettingsFile())).nodeBase;
  contextDir = await mkdtemp(path.join(tmpdir(), 'scaledeck-context-'));
  await mkdir(path.join(contextDir, 'node_modules/pkg'), { recursive: true });
  await mkdir(path.join(contextDir, 'src'));
  await writeFile(path.join(contextDir, 'node_modules/pkg/index.js'), 'never sent');
  await writeFile(path.join(contextDir, 'src/app.js'), 'sent');
  await writeFile(path.join(contextDir, 'local.env'), 'never sent');
  await writeFile(
    path.join(contextDir, '.dockerignore'),
    '# local files\n*.env\nDockerfile\n.dockerignore\n',
  );
  // The build fails unless the ignored files stayed out of the context.
  await writeFile(
    path.join(contextDir, 'Dockerfile'),
    'ARG NODE_IMAGE=node:24-bookworm-slim\nFROM ${NODE_IMAGE}\nCOPY . /ctx/\n' +
      'RUN test -f /ctx/src/app.js && test ! -e /ctx/node_modules && test ! -e /ctx/local.env && echo context-ok\n',
  );
});

afterAll(async () => {
  if (contextDir) await rm(contextDir, { recursive: true, force: true });
  await docker
    .getImage(tag)
    .remove({ force: true })
    .catch(() => undefined);
});

describe('images', () => {
  it('builds from a context without node_modules or .dockerignore matches, streaming the build output', async () => {
    const lines: string[] = [];
    const built = await buildApiImage(docker, {
      nodeBase,
      contextDir,
      tag,
      onLog: (line) => lines.push(line),
    });
    expect(built).toBe(tag);
    expect(lines.join('\n')).toContain('context-ok');
    expect((await docker.getImage(tag).inspect()).Config.Labels).toMatchObject({
      'scaledeck.role': 'api-image',
    });
  });

  it('a failing build is an error carrying the build output', async () => {
    const broken = await mkdtemp(path.join(tmpdir(), 'scaledeck-context-'));
    try {
      await writeFile(path.join(broken, 'Dockerfile'), `FROM ${nodeBase}\nRUN exit 3\n`);
      await expect(buildApiImage(docker, { nodeBase, contextDir: broken, tag })).rejects.toMatchObject({
        code: 'BUILD_FAILED',
      });
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });

  it('an image that is neither local nor pullable names the setting to override', async () => {
    const error = await ensureImage(docker, 'scaledeck-test/does-not-exist:1', 'images.redis').then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ScaledeckError);
    expect((error as ScaledeckError).field).toBe('settings.images.redis');
    expect((error as Error).message).toMatch(/settings\.images\.redis/);
  });

  it('the default tag hashes the build inputs: context files and Dockerfile, not only the base image', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'scaledeck-context-'));
    const built: string[] = [];
    const build = async () => {
      const tagged = await buildApiImage(docker, { nodeBase, contextDir: dir });
      built.push(tagged);
      return tagged;
    };
    try {
      await mkdir(path.join(dir, 'src'));
      await writeFile(path.join(dir, 'src/app.js'), 'v1');
      await writeFile(path.join(dir, '.dockerignore'), '*.log\n');
      await writeFile(
        path.join(dir, 'Dockerfile'),
        'ARG NODE_IMAGE\nFROM ${NODE_IMAGE}\nCOPY src /ctx/src\n',
      );
      const first = await build();
      expect(first.startsWith(`${API_IMAGE_REPO}:`)).toBe(true);
      // Unchanged inputs, and a change to an ignored file: the same tag, so a redeploy replaces nothing.
      expect(await build()).toBe(first);
      await writeFile(path.join(dir, 'debug.log'), 'not sent');
      expect(await build()).toBe(first);

      await writeFile(path.join(dir, 'src/app.js'), 'v2');
      const changedSource = await build();
      expect(changedSource).not.toBe(first);

      await writeFile(
        path.join(dir, 'Dockerfile'),
        'ARG NODE_IMAGE\nFROM ${NODE_IMAGE}\nCOPY src /app/src\n',
      );
      const changedDockerfile = await build();
      expect(new Set([first, changedSource, changedDockerfile]).size).toBe(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
      for (const ref of new Set(built))
        await docker
          .getImage(ref)
          .remove({ force: true })
          .catch(() => undefined);
    }
  });

  it('reads .dockerignore the simple way', () => {
    const ignored = contextFilter(contextDir);
    expect(ignored('node_modules/pkg/index.js')).toBe(true);
    expect(ignored('local.env')).toBe(true);
    expect(ignored('src/app.js')).toBe(false);
    expect(ignored('Dockerfile')).toBe(false);
  });
});
