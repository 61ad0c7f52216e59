// The offline images must behave like their official counterparts, since the Docker target uses
// either without special cases. Each check runs real containers on a throwaway user network and
// talks to them the way the stack does: from another container by network alias, or through a
// port published on 127.0.0.1.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineSettingsFile } from '../lib/offline-images.ts';

const run = promisify(execFile);
const runId = randomBytes(4).toString('hex');
const network = `scaledeck-imgtest-${runId}`;
const containers: string[] = [];

interface OfflineImages {
  nodeBase: string;
  postgres: string;
  redis: string;
  nginx: string;
  prometheus: string;
}
let images: OfflineImages;

async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

/** Runs a detached container on the test network and remembers it for cleanup. */
async function start(
  name: string,
  image: string,
  options: string[] = [],
  command: string[] = [],
): Promise<string> {
  const id = await docker(
    'run',
    '--detach',
    '--name',
    `${network}-${name}`,
    '--network',
    network,
    '--network-alias',
    name,
    '--label',
    `scaledeck.test=offline-images-${runId}`,
    ...options,
    image,
    ...command,
  );
  containers.push(id);
  return id;
}

/** Runs a one-off container on the test network; resolves with its exit code and output. */
async function once(
  image: string,
  args: string[],
  options: string[] = [],
): Promise<{ code: number; out: string }> {
  try {
    const out = await docker('run', '--rm', '--network', network, ...options, image, ...args);
    return { code: 0, out };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : 1,
      out: `${e.stdout ?? ''}${e.stderr ?? ''}`.trim(),
    };
  }
}

/** Retries `probe` until it returns a value, for at most `seconds`; the last failure is the error. */
async function eventually<T>(what: string, seconds: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  let last = 'no attempt';
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${what} not ready within ${seconds} s (last: ${last})`);
}

async function publishedPort(id: string, containerPort: string): Promise<number> {
  const binding = await docker('port', id, containerPort);
  // e.g. "127.0.0.1:49153"; only loopback bindings are asked for
  const match = /127\.0\.0\.1:(\d+)/.exec(binding);
  if (!match?.[1]) throw new Error(`no 127.0.0.1 binding for ${containerPort}: ${binding}`);
  return Number(match[1]);
}

async function uidOfMainProcess(id: string): Promise<string> {
  const status = await docker('exec', id, 'cat', '/proc/1/status');
  return /^Uid:\s+(\d+)/m.exec(status)?.[1] ?? '?';
}

beforeAll(async () => {
  // Builds what is missing (cold: about two minutes), reuses the rest.
  const settingsPath = await offlineSettingsFile();
  const settings = JSON.parse(readFileSync(settingsPath, 'utf8')) as { images: OfflineImages };
  images = settings.images;
  await docker('network', 'create', '--label', `scaledeck.test=offline-images-${runId}`, network);
});

afterAll(async () => {
  if (containers.length > 0) await docker('rm', '--force', '--volumes', ...containers).catch(() => '');
  // A probe container of a timed-out test may still be leaving the network: retry briefly.
  await eventually(`removal of network ${network}`, 20, async () => {
    const left = await docker('network', 'ls', '--quiet', '--filter', `name=^${network}$`);
    if (left === '') return true;
    await docker('network', 'rm', network).catch(() => '');
    return undefined;
  });
});

describe('offline images', () => {
  it('the settings file selects one local image per part of the stack', async () => {
    expect(Object.keys(images).sort()).toEqual(['nginx', 'nodeBase', 'postgres', 'prometheus', 'redis']);
    for (const image of Object.values(images)) {
      expect(image).toMatch(/^scaledeck-offline\//);
      expect(await docker('image', 'inspect', '--format', '{{.Id}}', image)).toMatch(/^sha256:/);
    }
  });

  it('node: Node 24 as the default command, npm on PATH, user node with uid 1000', async () => {
    const version = await once(images.nodeBase, ['--version']);
    expect(version.out).toMatch(/^v24\./);
    const npm = await once(images.nodeBase, ['npm', '--version']);
    expect(npm.code).toBe(0);
    const id = await once(images.nodeBase, ['id'], ['--user', 'node']);
    expect(id.out).toContain('uid=1000(node) gid=1000(node)');
  });

  it('postgres: a password login from another container on the network, and a wrong one refused', async () => {
    const password = randomBytes(18).toString('base64url');
    const db = await start('db', images.postgres, [
      '--env',
      `POSTGRES_PASSWORD=${password}`,
      '--env',
      'POSTGRES_USER=scaledeck',
      '--env',
      'POSTGRES_DB=users',
    ]);
    const query = (pw: string) =>
      once(
        images.postgres,
        ['psql', '-h', 'db', '-U', 'scaledeck', '-d', 'users', '-tAc', 'select current_user'],
        ['--env', `PGPASSWORD=${pw}`],
      );
    const login = await eventually('postgres password login', 90, async () => {
      const result = await query(password);
      return result.code === 0 ? result.out : undefined;
    });
    expect(login).toBe('scaledeck');
    const wrong = await query(`${password}x`);
    expect(wrong.code).not.toBe(0);
    expect(wrong.out).toMatch(/password authentication failed/);
    expect(await uidOfMainProcess(db)).toBe('999');
  }, 120_000);

  it('redis: PING from another container answers PONG', async () => {
    const cache = await start('cache', images.redis);
    const pong = await eventually('redis PING', 30, async () => {
      const result = await once(images.redis, ['redis-cli', '-h', 'cache', 'ping']);
      return result.code === 0 && result.out === 'PONG' ? result.out : undefined;
    });
    expect(pong).toBe('PONG');
    expect(await uidOfMainProcess(cache)).toBe('999');
  });

  it('nginx: serves its default page on a port published on 127.0.0.1, and conf.d configs', async () => {
    const lb = await start('lb', images.nginx, ['--publish', '127.0.0.1::80']);
    const port = await publishedPort(lb, '80/tcp');
    const page = await eventually('nginx', 30, async () => {
      const response = await fetch(`http://127.0.0.1:${port}/`);
      return response.status === 200 ? response.text() : undefined;
    });
    expect(page).toContain('Welcome to nginx!');
    // The Docker target drops its config into conf.d, as with the official image: prove it is read.
    await docker(
      'exec',
      lb,
      'sh',
      '-c',
      'printf "server { listen 8081; location / { return 200 \\"conf.d ok\\\\n\\"; } }\\n" > /etc/nginx/conf.d/extra.conf && nginx -s reload',
    );
    const extra = await eventually('nginx conf.d reload', 15, async () => {
      const result = await once(images.nodeBase, [
        '-e',
        'fetch("http://lb:8081/").then(async (r) => console.log(r.status, (await r.text()).trim()))',
      ]);
      return result.code === 0 && result.out.startsWith('200') ? result.out : undefined;
    });
    expect(extra).toBe('200 conf.d ok');
  });

  it('prometheus: /-/ready answers on a port published on 127.0.0.1, running as nobody', async () => {
    const prom = await start('prometheus', images.prometheus, ['--publish', '127.0.0.1::9090']);
    const port = await publishedPort(prom, '9090/tcp');
    const ready = await eventually('prometheus /-/ready', 60, async () => {
      const response = await fetch(`http://127.0.0.1:${port}/-/ready`);
      return response.status === 200 ? response.text() : undefined;
    });
    expect(ready).toMatch(/ready/i);
    expect(await uidOfMainProcess(prom)).toBe('65534');
  }, 90_000);
});
