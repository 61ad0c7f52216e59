import type Dockerode from 'dockerode';
import type { ContainerCreateOptions, ContainerInfo } from 'dockerode';
import { ScaledeckError } from '../../errors.ts';
import { tarOf } from './archive.ts';
import { LABEL } from './labels.ts';

export type Health = 'healthy' | 'unhealthy' | 'starting' | 'none';

/** The health part of the engine's list output ("Up 3 seconds (healthy)"), without an inspect per container. */
export function healthOf(info: Pick<ContainerInfo, 'State' | 'Status'>): Health {
  if (info.State !== 'running') return 'none';
  if (info.Status.includes('(healthy)')) return 'healthy';
  if (info.Status.includes('(unhealthy)')) return 'unhealthy';
  if (info.Status.includes('(health: starting)')) return 'starting';
  return 'none';
}

export function containerName(info: Pick<ContainerInfo, 'Names'>): string {
  return (info.Names[0] ?? '').replace(/^\//, '');
}

function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404;
}

export async function inspectOrNull(
  docker: Dockerode,
  name: string,
): Promise<Dockerode.ContainerInspectInfo | null> {
  try {
    return await docker.getContainer(name).inspect();
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/**
 * Creates and starts a container unless one of that name already runs for this stack; config
 * files are copied in before the first start (works with a remote engine, unlike bind mounts).
 */
export async function ensureContainer(
  docker: Dockerode,
  stack: string,
  spec: ContainerCreateOptions & { name: string },
  files?: { dir: string; content: Record<string, string> },
): Promise<Dockerode.Container> {
  const existing = await inspectOrNull(docker, spec.name);
  if (existing !== null) {
    if (existing.Config.Labels?.[LABEL.stack] !== stack) {
      throw new ScaledeckError(
        'NAME_CONFLICT',
        `a container named ${spec.name} exists but does not belong to stack ${stack}; remove or rename it`,
      );
    }
    const container = docker.getContainer(existing.Id);
    if (!existing.State.Running) {
      // A part left down on purpose (chaos sets its restart policy to "no") gets its policy back.
      const policy = spec.HostConfig?.RestartPolicy;
      if (policy !== undefined && existing.HostConfig.RestartPolicy?.Name !== policy.Name)
        await container.update({ RestartPolicy: policy });
      await container.start();
    }
    return container;
  }
  const container = await docker.createContainer(spec);
  if (files !== undefined) await container.putArchive(tarOf(files.content), { path: files.dir });
  await container.start();
  return container;
}

/** Removes a container and its anonymous volumes; already gone is fine. */
export async function removeContainer(docker: Dockerode, id: string): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true, v: true });
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    // 404: gone; 409: removal already in progress.
    if (status !== 404 && status !== 409) throw error;
  }
}
