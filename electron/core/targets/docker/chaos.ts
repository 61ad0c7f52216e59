/**
 * Chaos on the Docker target: SIGKILL a replica, Redis or PostgreSQL, and bring the last two back.
 *
 * Every part of a stack runs with the restart policy `unless-stopped`, so a killed container
 * would come straight back (the engine restarts it) and the reconcile loop starts exited parts.
 * A deliberately killed part must stay down until restored, so the audience sees the outage and
 * then the recovery: its restart policy is set to `no` first. That policy is the mark, stored on
 * the engine like the desired state, so any controller (another process too) leaves it alone.
 */
import type Dockerode from 'dockerode';
import type { ContainerInfo } from 'dockerode';
import { ScaledeckError, ValidationError } from '../../errors.ts';
import { pollUntil } from '../kit/poll.ts';
import { containerName } from './containers.ts';
import { execInContainer } from './exec.ts';

export const DELIBERATELY_DOWN_POLICY = 'no';
const NORMAL_POLICY = 'unless-stopped';

/** True when a stopped part was killed on purpose (chaos) and must not be started by reconcile. */
export async function isDeliberatelyDown(docker: Dockerode, id: string): Promise<boolean> {
  try {
    const info = await docker.getContainer(id).inspect();
    return info.HostConfig.RestartPolicy?.Name === DELIBERATELY_DOWN_POLICY;
  } catch {
    return false;
  }
}

/** Picks the named replica (it must be one of `candidates`) or a random one. */
export function pickReplica(candidates: ContainerInfo[], name: string | undefined): ContainerInfo {
  if (name !== undefined) {
    const match = candidates.find((info) => containerName(info) === name || info.Id.startsWith(name));
    if (match === undefined) {
      const names = candidates.map(containerName).join(', ') || 'none';
      throw new ValidationError('replica', `no running replica named "${name}" (running: ${names})`);
    }
    return match;
  }
  const victim = candidates[Math.floor(Math.random() * candidates.length)];
  if (victim === undefined) throw new ScaledeckError('NOTHING_TO_KILL', 'no replica is running', 'replica');
  return victim;
}

/** SIGKILL, like a crash: no graceful shutdown, no drain. */
export async function killContainer(docker: Dockerode, id: string): Promise<void> {
  await docker
    .getContainer(id)
    .kill({ signal: 'SIGKILL' })
    .catch((error: { statusCode?: number }) => {
      // 409: not running any more, which is what was asked.
      if (error.statusCode !== 409) throw error;
    });
}

/** Kills a part of the stack and keeps it down until restorePart(). */
export async function killPart(docker: Dockerode, name: string): Promise<void> {
  const container = docker.getContainer(name);
  const info = await container.inspect().catch(() => null);
  if (info === null)
    throw new ScaledeckError('NOT_DEPLOYED', `${name} does not exist; deploy the stack first`, 'what');
  await container.update({ RestartPolicy: { Name: DELIBERATELY_DOWN_POLICY, MaximumRetryCount: 0 } });
  await killContainer(docker, info.Id);
  await pollUntil(
    `${name} stopped`,
    { timeoutMs: 15_000 },
    async (abortSignal) => !(await container.inspect({ abortSignal })).State.Running,
  );
}

/** Starts a killed part again with its normal restart policy, and waits until it is healthy. */
export async function restorePart(docker: Dockerode, name: string, timeoutMs = 90_000): Promise<void> {
  const container = docker.getContainer(name);
  const info = await container.inspect().catch(() => null);
  if (info === null)
    throw new ScaledeckError('NOT_DEPLOYED', `${name} does not exist; deploy the stack first`, 'what');
  await container.update({ RestartPolicy: { Name: NORMAL_POLICY, MaximumRetryCount: 0 } });
  if (!info.State.Running) {
    await container.start().catch((error: { statusCode?: number }) => {
      if (error.statusCode !== 304) throw error;
    });
  }
  await pollUntil(`${name} healthy`, { timeoutMs }, async (abortSignal) => {
    const state = (await container.inspect({ abortSignal })).State;
    return state.Running && (state.Health === undefined || state.Health.Status === 'healthy');
  });
}

/** Runs a command in a container and returns its stdout; throws on a non-zero exit. */
export async function execText(docker: Dockerode, name: string, cmd: string[]): Promise<string> {
  const result = await execInContainer(docker, name, cmd);
  if (result.exitCode !== 0)
    throw new ScaledeckError(
      'EXEC_FAILED',
      `${cmd[0]} in ${name} exited with ${result.exitCode}: ${result.stderr.trim()}`,
    );
  return result.stdout;
}
