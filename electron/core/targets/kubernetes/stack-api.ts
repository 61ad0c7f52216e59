/**
 * The stack's handle on the cluster: the API clients, the namespace, and calls whose failures
 * become errors naming the context, server, verb and resource (a 404 told by its status code).
 */
import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  VersionApi,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { describeKubeError, isNotFound } from './connect.ts';

export const FIELD_MANAGER = 'scaledeck';

export type Verb = 'get' | 'list' | 'create' | 'patch' | 'delete' | 'apply' | 'watch';

export class StackApi {
  readonly stack: string;
  readonly namespace: string;
  readonly contextName: string;
  readonly server: string;
  readonly kc: KubeConfig;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly autoscaling: AutoscalingV2Api;
  readonly discovery: DiscoveryV1Api;
  readonly objects: KubernetesObjectApi;

  constructor(kc: KubeConfig, stack: string, namespace: string) {
    this.kc = kc;
    this.stack = stack;
    this.namespace = namespace;
    this.contextName = kc.getCurrentContext();
    this.server = kc.getCurrentCluster()?.server ?? '(no server)';
    this.core = kc.makeApiClient(CoreV1Api);
    this.apps = kc.makeApiClient(AppsV1Api);
    this.autoscaling = kc.makeApiClient(AutoscalingV2Api);
    this.discovery = kc.makeApiClient(DiscoveryV1Api);
    this.objects = KubernetesObjectApi.makeApiClient(kc);
  }

  /** Runs one API call; failures become errors naming the context, server, verb and resource. */
  async call<T>(verb: Verb, resource: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw describeKubeError(error, { context: this.contextName, server: this.server, verb, resource });
    }
  }

  /** Like call(), but a 404 is null. */
  async optional<T>(resource: string, work: () => Promise<T>): Promise<T | null> {
    try {
      return await work();
    } catch (error) {
      if (isNotFound(error)) return null;
      throw describeKubeError(error, {
        context: this.contextName,
        server: this.server,
        verb: 'get',
        resource,
      });
    }
  }

  /** Like call() for a delete, but an object already gone is not an error. */
  async deleteIfPresent(resource: string, work: () => Promise<unknown>): Promise<void> {
    await this.call('delete', resource, work).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
  }

  where(resource: string): string {
    return `${resource} in namespace ${this.namespace}`;
  }

  apply(object: KubernetesObject): Promise<KubernetesObject> {
    const kind = object.kind ?? 'object';
    return this.call('apply', this.where(`${kind} ${object.metadata?.name ?? ''}`), () =>
      this.objects.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply),
    );
  }

  /** Fails fast (5 s) when the cluster does not answer, with what to do. */
  async assertReachable(): Promise<void> {
    const version = this.kc.makeApiClient(VersionApi);
    let timer: NodeJS.Timeout | undefined;
    await this.call('get', 'the server version (/version)', () =>
      Promise.race([
        version.getCode(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(Object.assign(new Error('no answer within 5 s'), { code: 'ETIMEDOUT' })),
            5000,
          );
          timer.unref();
        }),
      ]).finally(() => clearTimeout(timer)),
    );
  }
}
