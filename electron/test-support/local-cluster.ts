/**
 * The local one-node cluster (e2e/cluster) for tests of the Kubernetes target. Each test file
 * brings it up itself (idempotent: ~15 s when warm) and down after, so files run in any order;
 * SCALEDECK_KEEP_CLUSTER=1 keeps it up for the next file or a working session.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Settings } from '../core/settings.ts';
import { LOAD_IMAGE_SCRIPT_ENV } from '../core/targets/kubernetes/image-shipping.ts';
import { KubernetesTarget } from '../core/targets/kubernetes/kubernetes-target.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Starts the cluster (or reuses a running one); resolves with its kubeconfig path. It also tells
 * the Kubernetes target (in this process and the CLIs it spawns) where this checkout's image
 * loader is: the app ships without e2e/, so the path is the harness's to give.
 */
export async function localClusterUp(): Promise<string> {
  process.env[LOAD_IMAGE_SCRIPT_ENV] ||= path.join(ROOT, 'e2e/cluster/load-image.sh');
  const up = await run('bash', [path.join(ROOT, 'e2e/cluster/up.sh')], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  const kubeconfig = up.stdout.trim().split('\n').at(-1) ?? '';
  if (kubeconfig === '') throw new Error('e2e/cluster/up.sh printed no kubeconfig path');
  return kubeconfig;
}

/** Brings the cluster down unless SCALEDECK_KEEP_CLUSTER=1. */
export async function localClusterDownUnlessKept(): Promise<void> {
  if (process.env.SCALEDECK_KEEP_CLUSTER === '1') return;
  await run('bash', [path.join(ROOT, 'e2e/cluster/down.sh')], { cwd: ROOT });
}

/**
 * afterAll of a file that deployed a stack on the cluster: stops its controller, removes the
 * stack with its volume (a fresh target, so it works even when the test's own one is broken),
 * then the cluster unless kept.
 */
export async function removeStackThenCluster(
  settings: Settings,
  stack: string,
  kubeconfig: string,
  controller: { dispose(): Promise<void> } | undefined,
): Promise<void> {
  await controller?.dispose();
  if (kubeconfig !== '') {
    const cleanup = new KubernetesTarget(settings, { stack, kubeconfig });
    await cleanup.teardown({ deleteVolumes: true }).catch(() => undefined);
    await cleanup.dispose();
  }
  await localClusterDownUnlessKept();
}
