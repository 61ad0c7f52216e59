/** The parts a stack's replicas stand on: its networks, data volume, PostgreSQL and Redis. */
import { ScaledeckError } from '../../errors.ts';
import { pollUntil } from '../kit/poll.ts';
import { ALTER_USER_COMMAND, assertPasswordSet } from '../kit/postgres-password.ts';
import { execInContainer } from './exec.ts';
import { stackLabels } from './labels.ts';
import type { StackRuntime } from './runtime.ts';

export async function ensureNetworksAndVolume(runtime: StackRuntime): Promise<void> {
  const { docker, names, stack } = runtime;
  await Promise.all([ensureNetwork(runtime, names.network), ensureNetwork(runtime, names.frontNetwork)]);
  try {
    await docker.getVolume(names.dataVolume).inspect();
  } catch {
    await docker.createVolume({ Name: names.dataVolume, Labels: stackLabels(stack, 'data') });
  }
}

async function ensureNetwork(runtime: StackRuntime, name: string): Promise<void> {
  const networks = await runtime.docker.listNetworks({ filters: { name: [name] } });
  if (!networks.some((network) => network.Name === name)) {
    await runtime.docker.createNetwork({
      Name: name,
      Driver: 'bridge',
      CheckDuplicate: true,
      Labels: stackLabels(runtime.stack, 'network'),
    });
  }
}

/** A kept data volume holds the previous password: set the new one (see kit/postgres-password.ts). */
export async function syncDatabasePassword(runtime: StackRuntime): Promise<void> {
  const result = await execInContainer(runtime.docker, runtime.names.postgres, ALTER_USER_COMMAND);
  assertPasswordSet(result.exitCode);
}

export async function waitHealthy(runtime: StackRuntime, name: string, timeoutMs: number): Promise<void> {
  // An exit counts as "not yet" (the restart policy may bring it back); the timeout names it.
  await pollUntil(`${name} healthy`, { timeoutMs }, async (abortSignal) => {
    const info = await runtime.docker.getContainer(name).inspect({ abortSignal });
    if (info.State.Status === 'exited' || info.State.Status === 'dead') {
      throw new ScaledeckError(
        'START_FAILED',
        `${name} exited with code ${info.State.ExitCode}; see \`docker logs ${name}\``,
      );
    }
    return info.State.Health?.Status === 'healthy';
  });
}
