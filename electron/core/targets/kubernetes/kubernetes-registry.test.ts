/**
 * The registry strategy ("otherwise a registry named in settings") on the real local cluster:
 * Debian's docker-registry serves on 127.0.0.1, the target tags and pushes through the local
 * Docker engine, and the node's containerd pulls the image back over plain HTTP (it does that
 * for localhost registries without configuration). Needs root (the harness does).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineSettingsFile } from '../../../../scripts/lib/offline-images.ts';
import { loadSettings, type Settings } from '../../settings.ts';
import { localClusterDownUnlessKept, localClusterUp } from '../../../test-support/local-cluster.ts';
import { waitUntil } from '../../../test-support/wait.ts';
import { KubernetesTarget } from './kubernetes-target.ts';
import { shipImages } from './images.ts';

const REGISTRY_BIN = '/usr/bin/docker-registry';
/** The smallest image on every machine that has the local cluster (its sandbox image, 0.7 MB). */
const IMAGE = 'scaledeck.local/pause:3.10';
const isRoot = process.getuid?.() === 0;
const docker = new Dockerode();
const namespace = `scaledeck-reg-${randomBytes(3).toString('hex')}`;
let dir = '';
let registry: ChildProcess | null = null;
let port = 0;
let kubeconfig = '';
let settings: Settings;
let target: KubernetesTarget | null = null;
const pushed: string[] = [];

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: free } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return free;
}

describe.skipIf(!isRoot)('Kubernetes target: images through a registry named in settings', () => {
  beforeAll(async () => {
    if (!existsSync(REGISTRY_BIN))
      throw new Error(`${REGISTRY_BIN} is missing: apt-get install docker-registry (scripts/test.sh does)`);
    kubeconfig = await localClusterUp();
    dir = mkdtempSync(path.join(os.tmpdir(), 'scaledeck-registry-'));
    port = await freePort();
    // No auth, storage in a directory of its own, loopback only.
    writeFileSync(
      path.join(dir, 'config.yml'),
      [
        'version: 0.1',
        'log: { level: warn }',
        `storage: { filesystem: { rootdirectory: ${path.join(dir, 'data')} } }`,
        `http: { addr: "127.0.0.1:${port}" }`,
      ].join('\n'),
    );
    registry = spawn(REGISTRY_BIN, ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore' });
    await waitUntil(
      'the registry answering',
      30_000,
      async () => (await fetch(`http://127.0.0.1:${port}/v2/`)).ok,
    );
    settings = {
      ...(await loadSettings(await offlineSettingsFile())),
      kubernetes: { registry: `localhost:${port}` },
    };
    target = new KubernetesTarget(settings, { stack: 'registry', namespace, kubeconfig, docker });
  }, 45 * 60_000);

  afterAll(async () => {
    if (target !== null) {
      await target.core.deleteNamespace({ name: namespace }).catch(() => undefined);
      await target.dispose();
    }
    for (const ref of pushed)
      await docker
        .getImage(ref)
        .remove()
        .catch(() => undefined);
    if (registry?.pid !== undefined) registry.kill('SIGTERM');
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
    await localClusterDownUnlessKept();
  }, 300_000);

  it('settings.kubernetes.registry wins; the image is pushed there, and a pod on the node pulls it back', async () => {
    if (target === null) throw new Error('no target');
    const strategy = await target.imageStrategy();
    expect(strategy).toEqual({ kind: 'registry', product: 'scaledeck-local', registry: `localhost:${port}` });

    const ref = `localhost:${port}/${IMAGE}`;
    // The tag is made before the push: afterAll removes it even when the push fails.
    pushed.push(ref);
    const log: string[] = [];
    const refs = await shipImages({
      strategy,
      docker,
      images: [IMAGE],
      onNode: new Set(),
      onLog: (line) => log.push(line),
    });
    expect(refs.get(IMAGE)).toBe(ref);
    expect(log).toContain(`pushing ${ref}`);
    const tags = (await (
      await fetch(`http://127.0.0.1:${port}/v2/scaledeck.local/pause/tags/list`)
    ).json()) as { tags: string[] };
    expect(tags.tags).toContain('3.10');

    // Always: the node must fetch from the registry, not reuse what it holds under another name.
    await target.core.createNamespace({ body: { metadata: { name: namespace } } });
    await target.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'pulled' },
        spec: {
          containers: [{ name: 'pulled', image: ref, imagePullPolicy: 'Always' }],
          terminationGracePeriodSeconds: 0,
        },
      },
    });
    // Settles on Running, or on a pull failure (which waiting would not cure).
    const pod = await waitUntil(
      'the pod running the pulled image, or failing to pull it',
      120_000,
      async () => {
        const current = await target?.core.readNamespacedPod({ name: 'pulled', namespace });
        const waiting = current?.status?.containerStatuses?.[0]?.state?.waiting?.reason;
        const failed = waiting === 'ErrImagePull' || waiting === 'ImagePullBackOff';
        return (current?.status?.phase === 'Running' || failed) && current;
      },
    );
    const status = pod.status?.containerStatuses?.[0];
    expect(pod.status?.phase, JSON.stringify(status?.state)).toBe('Running');
    console.log(`pushed ${ref}; the node runs ${status?.imageID}`);
    expect(status?.imageID).toContain(`localhost:${port}/scaledeck.local/pause@sha256:`);
  }, 180_000);
});
