/**
 * The API replicas: brought to a count (scale, reconcile), drained gracefully, and rolled to a new
 * spec one at a time (a redeploy with another image or other settings).
 */
import type { ContainerInfo } from 'dockerode';
import { ScaledeckError } from '../../errors.ts';
import { containerName, healthOf, removeContainer } from './containers.ts';
import type { FrontNetwork } from './front-network.ts';
import { LABEL } from './labels.ts';
import { RESOLVER_VALID_SECONDS } from './nginx-config.ts';
import { DRAINING_SUFFIX, isAlive, type StackRuntime } from './runtime.ts';
import type { ReplicaTemplate } from './stack-context.ts';
import { replicaSpec } from './stack-spec.ts';

/** Wrapped in an object: awaiting a bare promise of a promise would wait for the drains too. */
export interface Drains {
  drained: Promise<void>;
}

const ROLL_READY_TIMEOUT_MS = 180_000;

export class ReplicaSet {
  private readonly runtime: StackRuntime;
  private readonly front: FrontNetwork;

  constructor(runtime: StackRuntime, front: FrontNetwork) {
    this.runtime = runtime;
    this.front = front;
  }

  /**
   * Brings the replica set to `desired`: removes dead ones, creates missing ones in parallel,
   * picks surplus ones (not ready first, then of another spec, then newest) to drain. Returns the
   * drains so callers can release the lock while replicas finish their in-flight requests.
   */
  async converge(template: ReplicaTemplate, desired: number): Promise<Drains> {
    const { runtime } = this;
    const all = await runtime.list('api');
    // Healthy replicas whose promoter died with its process (a CLI interrupted mid-scale) go behind the LB now.
    await this.front.sync(all);
    // Exited ones go even when marked draining: their drainer may have died with its process.
    const dead = all.filter((info) => !isAlive(info) && !runtime.draining.has(info.Id));
    await Promise.all(
      dead.map(async (info) => {
        runtime.emit({
          type: 'replica',
          at: Date.now(),
          kind: 'failed',
          name: containerName(info),
          detail: info.Status,
        });
        await removeContainer(runtime.docker, info.Id);
      }),
    );
    const active = all.filter((info) => runtime.isActive(info));
    if (active.length < desired) {
      await Promise.all(
        Array.from({ length: desired - active.length }, async () => {
          const id = await this.create(template);
          void this.front.promoteWhenReady(id);
        }),
      );
      return { drained: Promise.resolve() };
    }
    const current = (info: ContainerInfo) => Number(info.Labels[LABEL.replicaSpec] === template.specHash);
    const ready = (info: ContainerInfo) => Number(healthOf(info) === 'healthy');
    const surplus = [...active]
      .sort((a, b) => ready(a) - ready(b) || current(a) - current(b) || b.Created - a.Created)
      .slice(0, active.length - desired);
    return this.drainAll(surplus);
  }

  /**
   * Replaces every active replica of another spec the way a scale does, one at a time: start a
   * new one, wait until it is ready and behind the load balancer, then drain an old one. The
   * count of ready replicas never drops below what it was (Kubernetes' maxSurge 1,
   * maxUnavailable 0). A new replica that never gets ready stops the roll; old ones keep serving.
   */
  async roll(template: ReplicaTemplate, onStep: (done: number, total: number) => void): Promise<Drains> {
    const { runtime } = this;
    const outdated = (await runtime.list('api')).filter(
      (info) => runtime.isActive(info) && info.Labels[LABEL.replicaSpec] !== template.specHash,
    );
    // Not ready ones first (they serve nothing), then the oldest.
    outdated.sort(
      (a, b) =>
        Number(healthOf(a) === 'healthy') - Number(healthOf(b) === 'healthy') || a.Created - b.Created,
    );
    if (outdated.length === 0) return { drained: Promise.resolve() };
    const drains: Promise<void>[] = [];
    for (const [i, old] of outdated.entries()) {
      onStep(i, outdated.length);
      const id = await this.create(template);
      if (
        !(await this.front.promoteWhenReady(id, { timeoutMs: ROLL_READY_TIMEOUT_MS, giveUpOnCrash: true }))
      ) {
        // It goes, not an old one: the count stays where it was, on the spec that works.
        const tail = await runtime.docker
          .getContainer(id)
          .logs({ stdout: true, stderr: true, tail: 5 })
          .then(
            (logs) =>
              logs
                .toString('utf8')
                .replace(/[^\n -~]/g, '')
                .trim(),
            () => '',
          );
        await removeContainer(runtime.docker, id);
        await Promise.allSettled(drains);
        throw new ScaledeckError(
          'START_FAILED',
          `a replica of the new spec did not become ready, so it was removed and the old ones keep serving` +
            (tail === '' ? '' : `; its last output: ${tail}`),
        );
      }
      // NGINX re-resolves `api` once its cached answer expires: only then does the new replica take traffic.
      await new Promise((resolve) => setTimeout(resolve, RESOLVER_VALID_SECONDS * 1000 + 500));
      drains.push(this.drainAll([old]).drained);
    }
    onStep(outdated.length, outdated.length);
    return { drained: Promise.all(drains).then(() => undefined) };
  }

  private async create(template: ReplicaTemplate): Promise<string> {
    const { runtime } = this;
    const name = runtime.names.replica();
    const spec = replicaSpec(template.ctx, name);
    const container = await runtime.docker.createContainer({
      ...spec,
      Labels: { ...spec.Labels, [LABEL.replicaSpec]: template.specHash },
    });
    await container.start();
    runtime.emit({ type: 'replica', at: Date.now(), kind: 'created', name });
    return container.id;
  }

  private drainAll(replicas: ContainerInfo[]): Drains {
    for (const info of replicas) this.runtime.draining.add(info.Id);
    return { drained: Promise.all(replicas.map((info) => this.drain(info))).then(() => undefined) };
  }

  /**
   * SIGTERM first: the API stops accepting connections and finishes in-flight requests, and
   * NGINX retries a refused connection on the next replica. Removing the container (which
   * takes it out of the `api` DNS alias) only after it exited keeps in-flight requests intact;
   * disconnecting the network first would cut them.
   */
  private async drain(info: ContainerInfo): Promise<void> {
    const { runtime } = this;
    const container = runtime.docker.getContainer(info.Id);
    try {
      const name = containerName(info);
      if (!name.endsWith(DRAINING_SUFFIX))
        await container.rename({ name: `${name}${DRAINING_SUFFIX}` }).catch(() => undefined);
      await container.stop({ t: runtime.settings.drainSeconds }).catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 304 && error.statusCode !== 404) throw error;
      });
      await removeContainer(runtime.docker, info.Id);
      runtime.emit({ type: 'replica', at: Date.now(), kind: 'stopped', name: containerName(info) });
    } finally {
      runtime.draining.delete(info.Id);
    }
  }
}
