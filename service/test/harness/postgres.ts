// A throwaway PostgreSQL from Debian's binaries: initdb into a temp dir, a free port, fsync off.
// PostgreSQL refuses to run as root, so under root the server runs with the postgres user's ids.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  freePort,
  spawnLogged,
  tail,
  trackTempDir,
  untrackTempDir,
  waitUntil,
  type Spawned,
} from './processes.ts';

export interface PostgresServer {
  port: number;
  /** URL of the default `postgres` database (trust auth on 127.0.0.1 only). */
  url: string;
  urlFor(database: string): string;
  createDatabase(name: string): Promise<string>;
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params?: unknown[],
    database?: string,
  ): Promise<R[]>;
  isRunning(): boolean;
  /** Fast shutdown (SIGINT to the postmaster); data is kept for start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      'PostgreSQL server binaries not found under /usr/lib/postgresql; apt-get install postgresql',
    );
  }
  return join(root, versions[0]!, 'bin');
}

function runAsIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const ids = runAsIds();
  const dir = mkdtempSync(join(tmpdir(), 'scaledeck-pg-'));
  trackTempDir(dir);
  if (ids) chownSync(dir, ids.uid, ids.gid);
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  execFileSync(
    join(bin, 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { cwd: dir, stdio: 'pipe', ...(ids ?? {}) },
  );
  const port = await freePort();
  const urlFor = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let server: Spawned | null = null;

  const start = async () => {
    if (server?.isRunning()) return;
    const spawned = spawnLogged(
      join(bin, 'postgres'),
      [
        '-D',
        dataDir,
        '-p',
        String(port),
        '-k',
        dir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=200',
      ],
      logFile,
      { cwd: dir, ...(ids ?? {}) },
    );
    server = spawned;
    await waitUntil('postgres', () => canConnect(urlFor('postgres')), {
      alive: spawned.isRunning,
      describe: () => tail(spawned.log()),
    });
  };

  const query = async <R extends pg.QueryResultRow>(
    sql: string,
    params: unknown[] = [],
    database = 'postgres',
  ) => {
    const client = new pg.Client({ connectionString: urlFor(database) });
    await client.connect();
    try {
      return (await client.query<R>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };

  await start();
  return {
    port,
    url: urlFor('postgres'),
    urlFor,
    query,
    async createDatabase(name: string) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      await query(`CREATE DATABASE ${name}`);
      return urlFor(name);
    },
    isRunning: () => server?.isRunning() ?? false,
    async stop() {
      await server?.stop('SIGINT');
    },
    start,
    async dispose() {
      await server?.stop('SIGINT');
      rmSync(dir, { recursive: true, force: true });
      untrackTempDir(dir);
    },
  };
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
