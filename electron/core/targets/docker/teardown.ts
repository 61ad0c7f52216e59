/** Removes everything labelled with the stack; the data volume only when asked. */
import type { ProgressListener, TeardownInput } from '../../contract.ts';
import { removeContainer } from './containers.ts';
import { stackFilter } from './labels.ts';
import type { StackRuntime } from './runtime.ts';
import type { DesiredStateStore } from './state-store.ts';

export async function teardownStack(
  runtime: StackRuntime,
  store: DesiredStateStore,
  input: TeardownInput,
  onProgress: ProgressListener,
): Promise<void> {
  const { docker, stack } = runtime;
  onProgress({ step: 'containers', percent: 10 });
  // The desired-state record goes first, so a controller elsewhere stops reconciling.
  await store.removeAll();
  const containers = await runtime.list();
  await Promise.all(containers.map((info) => removeContainer(docker, info.Id)));
  onProgress({ step: 'network', percent: 70 });
  const networks = await docker.listNetworks({ filters: stackFilter(stack) });
  await Promise.all(
    networks.map((network) =>
      docker
        .getNetwork(network.Id)
        .remove()
        .catch(() => undefined),
    ),
  );
  if (input.deleteVolumes) {
    onProgress({ step: 'volumes', percent: 85 });
    const { Volumes } = await docker.listVolumes({ filters: stackFilter(stack) });
    await Promise.all((Volumes ?? []).map((volume) => docker.getVolume(volume.Name).remove()));
  }
}
