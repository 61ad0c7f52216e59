import type { PodSample } from '../../autoscaler.ts';
import { containerName } from './containers.ts';
import type { CpuSampler } from './cpu-sampler.ts';
import type { FrontNetwork } from './front-network.ts';
import type { ReplicaTransitions } from './replica-transitions.ts';
import type { StackRuntime } from './runtime.ts';

/** The autoscaler's view of the replicas: readiness, start times, CPU of each one's limit. */
export async function samplePods(
  runtime: StackRuntime,
  front: FrontNetwork,
  transitions: ReplicaTransitions,
  sampler: CpuSampler,
): Promise<PodSample[]> {
  const replicas = (await runtime.list('api')).filter(
    (info) => info.State === 'running' && !runtime.isDraining(info),
  );
  sampler.retain(replicas.map((info) => info.Id));
  const now = Date.now();
  return Promise.all(
    replicas.map(async (info) => {
      const details = await runtime.docker.getContainer(info.Id).inspect();
      const startedAt = Date.parse(details.State.StartedAt);
      const ready = details.State.Health?.Status !== 'unhealthy' && front.has(details);
      const name = containerName(info);
      transitions.track(info.Id, name, ready ? 'ready' : 'starting', now);
      const cpuLimit = (details.HostConfig.NanoCpus ?? 0) / 1e9 || runtime.settings.replicaCpus;
      const sample: PodSample = {
        name,
        ready,
        startedAt,
        cpuUtilizationPercent: await sampler.sample(info.Id, cpuLimit),
      };
      if (ready) sample.readySince = transitions.readySince(info.Id) ?? startedAt;
      return sample;
    }),
  );
}
