/**
 * The front network is the load balancer's view: NGINX and Prometheus reach replicas there under
 * the alias `api`, and a replica joins only once it is ready, the way a Kubernetes Service only
 * lists ready endpoints.
 */
import type Dockerode from 'dockerode';
import type { ContainerInfo } from 'dockerode';
import { pollUntil } from '../kit/poll.ts';
import { healthOf } from './containers.ts';
import { probeReadyz } from './direct-probe.ts';
import { execInContainer } from './exec.ts';
import type { StackRuntime } from './runtime.ts';
import { API_PORT, READINESS_PROBE, frontEndpoint } from './stack-spec.ts';

type Networked = { NetworkSettings?: { Networks?: Record<string, unknown> } };

export class FrontNetwork {
  /** Whether replicas' addresses answer from this process (learned on the first start-up probe). */
  private directProbe: 'unknown' | 'works' | 'unavailable' = 'unknown';

  private readonly runtime: StackRuntime;

  constructor(runtime: StackRuntime) {
    this.runtime = runtime;
  }

  has(info: Networked): boolean {
    return info.NetworkSettings?.Networks?.[this.runtime.names.frontNetwork] !== undefined;
  }

  /** Puts a healthy replica behind the load balancer (alias `api` on the front network). */
  async promote(id: string): Promise<void> {
    try {
      await this.runtime.docker
        .getNetwork(this.runtime.names.frontNetwork)
        .connect({ Container: id, EndpointConfig: frontEndpoint() });
    } catch (error) {
      // Already connected (another pass got there first) or gone: both fine.
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== 403 && status !== 404 && status !== 409 && !/already exists/.test(String(error)))
        throw error;
    }
  }

  /**
   * Promotes a new replica as soon as it is ready; true once it is on the front network. The
   * engine's healthcheck runs once a second (often enough in steady state, not during start-up),
   * so until it passes the same readiness probe is run here every ~150 ms. reconcile() covers a
   * process that died meanwhile. False when it stopped, vanished, was not ready in time, or
   * (giveUpOnCrash) crashed once.
   */
  async promoteWhenReady(
    id: string,
    { timeoutMs = 180_000, giveUpOnCrash = false }: { timeoutMs?: number; giveUpOnCrash?: boolean } = {},
  ): Promise<boolean> {
    const outcome = await pollUntil(
      `replica ${id.slice(0, 12)} ready`,
      { timeoutMs, intervalMs: 150 },
      async (abortSignal) => {
        if (this.runtime.disposed) return 'gone';
        const info = await this.runtime.docker
          .getContainer(id)
          .inspect({ abortSignal })
          .catch(() => null);
        if (info === null || !info.State.Running) return 'gone';
        // The restart policy brings a crashed replica back; a roll does not wait for it to stop crashing.
        if (giveUpOnCrash && (info.State.Restarting || info.RestartCount > 0)) return 'gone';
        if (this.has(info)) return 'promoted';
        if (info.State.Health?.Status === 'healthy' || (await this.probeReady(info))) {
          await this.promote(id).catch(() => undefined);
          return 'promoted';
        }
        return null;
      },
    ).catch(() => 'timeout' as const);
    return outcome === 'promoted';
  }

  /** Asks the replica over HTTP where its address routes from here (see direct-probe.ts), else by exec. */
  private async probeReady(info: Dockerode.ContainerInspectInfo): Promise<boolean> {
    const address = info.NetworkSettings.Networks[this.runtime.names.network]?.IPAddress;
    if (this.directProbe !== 'unavailable' && address) {
      const answer = await probeReadyz(address, API_PORT, info.Name.replace(/^\//, ''));
      if (answer === 'ready' || answer === 'not-ready') {
        this.directProbe = 'works';
        return answer === 'ready';
      }
      // Nothing listens yet; if the route is foreign, the engine's own healthcheck still promotes.
      if (answer === 'refused') return false;
      // Once it has worked, a miss is this replica being slow, not the route: try again next pass.
      if (this.directProbe === 'works') return false;
      this.directProbe = 'unavailable';
    }
    const result = await execInContainer(this.runtime.docker, info.Id, READINESS_PROBE).catch(() => null);
    return result?.exitCode === 0;
  }

  /** Keeps the front network equal to the healthy replicas: promotes missed ones, takes unhealthy ones out. */
  async sync(replicas: ContainerInfo[]): Promise<void> {
    const { runtime } = this;
    // When no replica is healthy (PostgreSQL is down: readiness fails everywhere), the unhealthy
    // ones stay behind the load balancer, like an LB's panic mode: clients get the API's own 503
    // with Retry-After, and cached reads keep working, instead of NGINX's 502 for an empty pool.
    const anyHealthy = replicas.some(
      (info) => info.State === 'running' && !runtime.isDraining(info) && healthOf(info) === 'healthy',
    );
    await Promise.all(
      replicas.map(async (info) => {
        if (info.State !== 'running' || runtime.isDraining(info)) return;
        const health = healthOf(info);
        const onFront = this.has(info);
        if (health === 'healthy' && !onFront) await this.promote(info.Id);
        if (health === 'unhealthy' && onFront && anyHealthy) {
          await runtime.docker
            .getNetwork(runtime.names.frontNetwork)
            .disconnect({ Container: info.Id })
            .catch(() => undefined);
        }
      }),
    );
  }
}
