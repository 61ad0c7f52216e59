/**
 * The client model on the Docker target: NGINX balances each request, so the spread over the
 * replicas is even whatever the clients look like. Three replicas, 150 req/s of reads for 30 s
 * through the session's load:start, counted per replica by the stack's own Prometheus; every
 * replica's share within ±25 % of even with the default (many clients) and with few long-lived
 * ones alike. One stack for the file; afterAll tears it down whatever happened.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackStatus } from '../contract.ts';
import type { ClientModel } from '../loadgen.ts';
import { Session } from '../session.ts';
import { loadSettings } from '../settings.ts';
import { waitUntil } from '../../test-support/wait.ts';
import { offlineSettingsFile } from '../../../scripts/lib/offline-images.ts';
import { describeShares, measureReplicaShares } from '../../test-support/replica-shares.ts';

const STACK = `spread-${randomBytes(3).toString('hex')}`;
let session: Session;
let status: StackStatus;

beforeAll(async () => {
  const settings = await loadSettings(await offlineSettingsFile());
  // Cheap hashing: the load generator's own sign-ups should not be what the stack spends CPU on.
  session = new Session({ settings: { ...settings, scryptCost: 1024, drainSeconds: 5 }, stack: STACK });
  await session.open();
  status = await session.invoke('stack:deploy', { replicas: 3 });
});

afterAll(async () => {
  await session
    ?.invoke('stack:teardown', { deleteVolumes: true })
    .catch((error: unknown) => console.error(error));
  await session?.dispose();
});

async function spreadOf(clients: ClientModel | undefined) {
  const replicas = status.replicas.filter((r) => r.state === 'ready').map((r) => r.name);
  expect(replicas).toHaveLength(3);
  const { result: report, spread } = await measureReplicaShares(
    status.endpoints.prometheus!,
    replicas,
    async () => {
      await session.invoke('load:start', {
        rps: 150,
        durationSeconds: 30,
        mix: { getUser: 100, listUsers: 0, signUp: 0, token: 0 },
        ...(clients === undefined ? {} : { clients }),
      });
      return waitUntil('the load to finish', 120_000, async () => {
        const current = await session.invoke('load:status', {});
        return current?.state === 'finished' ? current : null;
      });
    },
  );
  console.log(
    `Docker, 3 replicas, 150 req/s of reads for 30 s, clients ${report.clients} ` +
      `(${report.connectionsOpened} connections): ${describeShares(spread)}`,
  );
  // Prometheus counted this run's reads and nothing else (within what one late scrape could miss).
  expect(spread.total).toBeGreaterThan(report.ok * 0.95);
  expect(spread.total).toBeLessThan(report.ok * 1.05 + 10);
  return { report, spread };
}

describe('load spread on the Docker target (NGINX balances requests)', () => {
  it('the default (many short-lived clients): every replica within ±25 % of even', async () => {
    const { report, spread } = await spreadOf(undefined);
    expect(report.clients).toBe('many');
    expect(report.errors.total).toBe(0);
    expect(spread.worstDeviation).toBeLessThan(0.25);
  });

  it('few long-lived clients: still even here, NGINX does not care how long a connection lives', async () => {
    const { report, spread } = await spreadOf('few');
    expect(report.clients).toBe('few');
    expect(report.errors.total).toBe(0);
    expect(spread.worstDeviation).toBeLessThan(0.25);
  });
});
