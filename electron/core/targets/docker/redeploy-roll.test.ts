/**
 * A redeploy on the real engine: unchanged, it replaces nothing; with changed settings or a
 * changed image it rolls the replicas (a new one ready and behind the load balancer before an
 * old one drains) with 0 failed requests under load.
 */
import { randomBytes } from 'node:crypto';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreEvent, StackStatus } from '../../contract.ts';
import { loadSettings, type Settings } from '../../settings.ts';
import { offlineSettingsFile } from '../../../../scripts/lib/offline-images.ts';
import { tarOf } from './archive.ts';
import { DockerTarget } from './docker-target.ts';
import { startLoad } from '../../../test-support/docker-load.ts';

const STACK = `roll-${randomBytes(3).toString('hex')}`;
const docker = new Dockerode();
const derivedImage = `scaledeck-test/roll-${randomBytes(3).toString('hex')}:1`;
const brokenImage = `scaledeck-test/roll-broken-${randomBytes(3).toString('hex')}:1`;
let settings: Settings;
const targets: DockerTarget[] = [];

function targetWith(changed: Settings): DockerTarget {
  const target = new DockerTarget(docker, changed, { stack: STACK });
  targets.push(target);
  return target;
}

async function replicaContainers(status: StackStatus): Promise<Dockerode.ContainerInspectInfo[]> {
  return Promise.all(status.replicas.map((replica) => docker.getContainer(replica.id).inspect()));
}

/** Redeploys under load; returns what the load saw, how long the deploy took, and the events. */
async function redeployUnderLoad(target: DockerTarget, status: StackStatus) {
  const events: CoreEvent[] = [];
  target.observe((event) => events.push(event));
  const load = startLoad({
    url: `${status.endpoints.loadBalancer}/users?limit=1`,
    concurrency: 6,
    maxDurationMs: 240_000,
    okStatuses: [401],
  });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const started = Date.now();
  const after = await target.deploy({ replicas: 2 });
  const rollMs = Date.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const result = await load.stop();
  return { after, rollMs, result, events };
}

/** An image that differs from the API image only by a label: a new image ID, the same service. */
async function deriveImage(from: string, tag = derivedImage, extra = ''): Promise<void> {
  const context = tarOf({ Dockerfile: `FROM ${from}\nLABEL scaledeck.test=roll\n${extra}` });
  const stream = await docker.buildImage(context as unknown as NodeJS.ReadableStream, { t: tag });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve())),
  );
}

beforeAll(async () => {
  settings = { ...(await loadSettings(await offlineSettingsFile())), drainSeconds: 10 };
  if (process.env.SCALEDECK_TEST_API_IMAGE)
    settings = { ...settings, images: { ...settings.images, api: process.env.SCALEDECK_TEST_API_IMAGE } };
  await targetWith(settings).deploy({ replicas: 2 });
});

afterAll(async () => {
  for (const target of targets) await target.dispose();
  await new DockerTarget(docker, settings ?? (await loadSettings(undefined)), { stack: STACK }).teardown({
    deleteVolumes: true,
  });
  for (const image of [derivedImage, brokenImage])
    await docker
      .getImage(image)
      .remove({ force: true })
      .catch(() => undefined);
});

describe('Docker redeploy', () => {
  it('an unchanged redeploy replaces no replica', async () => {
    const target = targetWith(settings);
    const before = await target.status();
    const after = await target.deploy({ replicas: 2 });
    expect(after.replicas.map((r) => r.id).sort()).toEqual(before.replicas.map((r) => r.id).sort());
  });

  it('changed settings roll every replica under load: 0 failed requests', async () => {
    const changed = { ...settings, drainSeconds: 9, rateLimitPerSecond: 50_000 };
    const target = targetWith(changed);
    const before = await target.status();
    const { after, rollMs, result, events } = await redeployUnderLoad(target, before);
    console.log(
      `roll (settings): ${result.sent} requests, ${result.failed} failed, deploy with roll took ${rollMs} ms`,
    );
    expect(result.failed, result.failures.join('\n')).toBe(0);
    expect(result.sent).toBeGreaterThan(100);
    expect(after.readyReplicas).toBe(2);
    expect(after.replicas).toHaveLength(2);
    const oldIds = new Set(before.replicas.map((r) => r.id));
    expect(after.replicas.some((r) => oldIds.has(r.id))).toBe(false);
    for (const info of await replicaContainers(after)) {
      expect(info.Config.Env).toContain('RATE_LIMIT_PER_SECOND=50000');
      expect((info.Config as { StopTimeout?: number }).StopTimeout).toBe(9);
    }
    // Surge first: an old replica stops only after a new one was created, never below the count.
    let surplus = 0;
    for (const event of events) {
      if (event.type !== 'replica') continue;
      if (event.kind === 'created') surplus += 1;
      if (event.kind === 'stopped') surplus -= 1;
      expect(surplus).toBeGreaterThanOrEqual(0);
    }
    expect(events.filter((e) => e.type === 'replica' && e.kind === 'stopped')).toHaveLength(2);
    settings = changed;
  }, 300_000);

  it('a changed image rolls every replica onto it under load: 0 failed requests', async () => {
    const before = await targetWith(settings).status();
    const [running] = await replicaContainers(before);
    await deriveImage(running!.Config.Image);
    const { Id: derivedId } = await docker.getImage(derivedImage).inspect();
    const changed = { ...settings, images: { ...settings.images, api: derivedImage } };
    const { after, rollMs, result } = await redeployUnderLoad(targetWith(changed), before);
    console.log(
      `roll (image): ${result.sent} requests, ${result.failed} failed, deploy with roll took ${rollMs} ms`,
    );
    expect(result.failed, result.failures.join('\n')).toBe(0);
    expect(after.readyReplicas).toBe(2);
    expect((await replicaContainers(after)).map((info) => info.Image)).toEqual([derivedId, derivedId]);
  }, 300_000);

  it('a new replica that never gets ready stops the roll: it is removed, the old ones keep serving', async () => {
    const before = await targetWith(settings).status();
    const [running] = await replicaContainers(before);
    await deriveImage(running!.Config.Image, brokenImage, 'CMD ["node", "-e", "process.exit(3)"]\n');
    const broken = targetWith({ ...settings, images: { ...settings.images, api: brokenImage } });
    await expect(broken.deploy({ replicas: 2 })).rejects.toMatchObject({ code: 'START_FAILED' });
    const after = await targetWith(settings).status();
    expect(after.replicas.map((r) => r.id).sort()).toEqual(before.replicas.map((r) => r.id).sort());
    expect(after.readyReplicas).toBe(2);
  }, 300_000);
});
