import type Dockerode from 'dockerode';

interface CpuReading {
  usageNs: number;
  atMs: number;
}

/**
 * CPU utilisation of each replica relative to its own CPU limit, from the engine's stats API.
 * One-shot stats are cheap but carry no previous sample, so the sampler keeps the last
 * reading per container and reports the average over the interval between two calls (the
 * way metrics-server averages over its window). The first reading of a container is undefined.
 */
export class CpuSampler {
  private readonly last = new Map<string, CpuReading>();
  private readonly docker: Dockerode;

  constructor(docker: Dockerode) {
    this.docker = docker;
  }

  async sample(containerId: string, cpuLimit: number): Promise<number | undefined> {
    let stats: { read: string; cpu_stats?: { cpu_usage?: { total_usage?: number } } };
    try {
      stats = (await this.docker
        .getContainer(containerId)
        .stats({ stream: false, 'one-shot': true } as never)) as never;
    } catch {
      return undefined;
    }
    const usageNs = stats.cpu_stats?.cpu_usage?.total_usage;
    const atMs = Date.parse(stats.read);
    if (usageNs === undefined || !Number.isFinite(atMs) || atMs <= 0) return undefined;
    const previous = this.last.get(containerId);
    this.last.set(containerId, { usageNs, atMs });
    if (previous === undefined || atMs <= previous.atMs || usageNs < previous.usageNs) return undefined;
    const cpus = (usageNs - previous.usageNs) / ((atMs - previous.atMs) * 1e6);
    return (cpus / cpuLimit) * 100;
  }

  /** Drops readings of containers that no longer exist. */
  retain(containerIds: Iterable<string>): void {
    const keep = new Set(containerIds);
    for (const id of this.last.keys()) if (!keep.has(id)) this.last.delete(id);
  }
}
