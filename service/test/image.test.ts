// service/Dockerfile end to end: builds the image on the offline Node base (no registry is
// reachable in CI), runs it next to PostgreSQL and Redis containers, and checks the HEALTHCHECK,
// the non-root user, that it ships only the bundle (no node_modules), that a logged stack names
// service/src files (source maps), /healthz and a clean exit on `docker stop`. Needs dockerd and
// the offline images (`npm run images:offline`); skips with a message saying so when they are missing.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { waitUntil } from './harness/processes.ts';

const run = promisify(execFile);
const docker = async (...args: string[]) =>
  (await run('docker', args, { maxBuffer: 64 * 1024 * 1024 })).stdout.trim();
const SERVICE_DIR = fileURLToPath(new URL('..', import.meta.url));
const IMAGES = {
  node: process.env['SCALEDECK_TEST_NODE_IMAGE'] ?? 'scaledeck-offline/node:24',
  postgres: process.env['SCALEDECK_TEST_POSTGRES_IMAGE'] ?? 'scaledeck-offline/postgres:15',
  redis: process.env['SCALEDECK_TEST_REDIS_IMAGE'] ?? 'scaledeck-offline/redis:7',
};

async function missingPrerequisite(): Promise<string | null> {
  try {
    await docker('version', '--format', '{{.Server.Version}}');
  } catch {
    return 'no Docker engine answers';
  }
  for (const image of Object.values(IMAGES)) {
    try {
      await docker('image', 'inspect', image);
    } catch {
      return `image ${image} is missing (build it with npm run images:offline)`;
    }
  }
  return null;
}

const missing = await missingPrerequisite();
if (missing) console.warn(`service image test skipped: ${missing}`);

const id = randomBytes(4).toString('hex');
const names = {
  network: `scaledeck-test-${id}`,
  pg: `scaledeck-test-${id}-pg`,
  redis: `scaledeck-test-${id}-redis`,
  api: `scaledeck-test-${id}-api`,
};
const tag = `scaledeck-test/api:${id}`;

afterAll(async () => {
  if (missing) return;
  for (const container of [names.api, names.pg, names.redis])
    await docker('rm', '-f', container).catch(() => '');
  await docker('network', 'rm', names.network).catch(() => '');
  await docker('image', 'rm', '-f', tag).catch(() => '');
});

describe.skipIf(missing !== null)('service/Dockerfile', () => {
  it('builds on the offline Node base, ships only the bundle, runs as uid 1000, turns healthy, answers /healthz, logs source-mapped stacks and stops with exit 0', async () => {
    await docker('build', '--build-arg', `NODE_IMAGE=${IMAGES.node}`, '-t', tag, SERVICE_DIR);
    const config = JSON.parse(await docker('image', 'inspect', tag, '--format', '{{json .Config}}'));
    expect(config.User).toBe('node');
    expect(Object.keys(config.ExposedPorts)).toEqual(['8080/tcp']);
    expect(config.Healthcheck.Test.join(' ')).toContain('/healthz');
    expect(config.Cmd).toEqual(['node', '--enable-source-maps', 'dist/bundle/main.mjs']);
    const files = await docker('run', '--rm', '--entrypoint', 'find', tag, '/app', '-mindepth', '1');
    expect(files.split('\n').sort()).toEqual([
      '/app/dist',
      '/app/dist/bundle',
      '/app/dist/bundle/main.mjs',
      '/app/dist/bundle/main.mjs.map',
    ]);

    const password = randomBytes(16).toString('hex');
    await docker('network', 'create', names.network);
    await docker(
      'run',
      '-d',
      '--name',
      names.pg,
      '--network',
      names.network,
      '--network-alias',
      'postgres',
      '-e',
      `POSTGRES_PASSWORD=${password}`,
      IMAGES.postgres,
    );
    await docker(
      'run',
      '-d',
      '--name',
      names.redis,
      '--network',
      names.network,
      '--network-alias',
      'redis',
      IMAGES.redis,
    );
    await docker(
      'run',
      '-d',
      '--name',
      names.api,
      '--network',
      names.network,
      '-p',
      '127.0.0.1::8080',
      '-e',
      `DATABASE_URL=postgres://postgres:${password}@postgres:5432/postgres`,
      '-e',
      'REDIS_URL=redis://redis:6379',
      '-e',
      `JWT_SECRET=${randomBytes(32).toString('hex')}`,
      '-e',
      'REPLICA_ID=image-test',
      tag,
    );

    await waitUntil(
      'container healthy',
      async () => (await docker('inspect', '-f', '{{.State.Health.Status}}', names.api)) === 'healthy',
      {
        timeoutMs: 90_000,
        intervalMs: 500,
        describe: () => `see docker logs ${names.api}`,
      },
    );
    const port = (await docker('port', names.api, '8080')).split('\n')[0]!.split(':').pop();
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-replica')).toBe('image-test');
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    expect(await docker('exec', names.api, 'id', '-u')).toBe('1000');

    // An unexpected database error is logged with its stack: the frames in our code must name
    // service/src files, which only happens when the bundle's source map is found and read.
    await docker(
      'exec',
      names.pg,
      'psql',
      '-q',
      '-U',
      'postgres',
      '-c',
      'ALTER TABLE users RENAME TO users_moved',
    );
    const signUp = await fetch(`http://127.0.0.1:${port}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Stack', email: 'stack@example.com', password: 'correct horse battery' }),
    });
    expect(signUp.status).toBe(500);
    const logged = (await docker('logs', names.api))
      .split('\n')
      .filter((line) => line.includes('unhandled error'))
      .map((line) => JSON.parse(line) as { err: { type: string; stack: string } });
    expect(logged).toHaveLength(1);
    // keepNames: the class keeps its own name in the bundle (not a renamed DatabaseError2).
    expect(logged[0]!.err.type).toBe('DatabaseError');
    expect(logged[0]!.err.stack).toMatch(/\(\/app\/src\/db\/users-repo\.ts:\d+:\d+\)/);

    await docker('stop', names.api);
    expect(await docker('inspect', '-f', '{{.State.ExitCode}}', names.api)).toBe('0');
    expect(await docker('logs', names.api)).toContain('shutdown complete');
  }, 600_000);
});
