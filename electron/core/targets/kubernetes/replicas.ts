/**
 * The API Deployment's replica count: read, set through the scale subresource under its own
 * field manager (so applying the Deployment never touches it), and refused while the
 * HorizontalPodAutoscaler owns it.
 */
import { PatchStrategy, setHeaderOptions, type V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { CoreEvent } from '../../contract.ts';
import { ScaledeckError } from '../../errors.ts';
import { NAMES } from '../../../../k8s/manifests.ts';
import { autoscalerFromHpa } from './hpa-decision.ts';
import type { StackApi } from './stack-api.ts';

/** A separate manager for the replica count, so applying the Deployment never touches it. */
const SCALE_MANAGER = 'scaledeck-scale';

export function readHpa(api: StackApi): Promise<V2HorizontalPodAutoscaler | null> {
  return api.optional(api.where(`HorizontalPodAutoscaler ${NAMES.hpa}`), () =>
    api.autoscaling.readNamespacedHorizontalPodAutoscaler({ name: NAMES.hpa, namespace: api.namespace }),
  );
}

export async function readDeploymentReplicas(api: StackApi): Promise<number | null> {
  const deployment = await api.optional(api.where(`Deployment ${NAMES.api}`), () =>
    api.apps.readNamespacedDeployment({ name: NAMES.api, namespace: api.namespace }),
  );
  return deployment === null ? null : (deployment.spec?.replicas ?? 1);
}

export function notDeployed(api: StackApi): ScaledeckError {
  return new ScaledeckError(
    'NOT_DEPLOYED',
    `stack ${api.stack} is not deployed in namespace ${api.namespace} of context ${api.contextName}; run deploy first`,
  );
}

export interface OwnScale {
  to: number;
  at: number;
}

/** Sets the replica count and remembers its own last change, so the observer does not report it twice. */
export class ReplicaControl {
  private readonly api: StackApi;
  private readonly maxReplicas: number;
  private readonly emit: (event: CoreEvent) => void;
  private lastOwn: OwnScale | null = null;

  constructor(api: StackApi, maxReplicas: number, emit: (event: CoreEvent) => void) {
    this.api = api;
    this.maxReplicas = maxReplicas;
    this.emit = emit;
  }

  lastOwnScale(): OwnScale | null {
    return this.lastOwn;
  }

  /** The scale subresource, merge patch, its own field manager (never conflicts with apply). */
  async set(replicas: number): Promise<void> {
    this.lastOwn = { to: replicas, at: Date.now() };
    const api = this.api;
    await api.call('patch', api.where(`deployments/scale ${NAMES.api}`), () =>
      api.apps.patchNamespacedDeploymentScale(
        {
          name: NAMES.api,
          namespace: api.namespace,
          body: { spec: { replicas } },
          fieldManager: SCALE_MANAGER,
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
  }

  /** Refuses a count outside 0..settings.maxReplicas, naming the field. */
  validate(replicas: number): void {
    if (!Number.isInteger(replicas) || replicas < 0 || replicas > this.maxReplicas) {
      throw new ScaledeckError(
        'VALIDATION',
        `replicas: must be a whole number from 0 to ${this.maxReplicas}`,
        'replicas',
      );
    }
  }

  /** Sets a validated count; refused while the HPA owns it, unless the autoscaler asks. */
  async scale(replicas: number, source: 'manual' | 'autoscaler'): Promise<void> {
    const api = this.api;
    const current = await readDeploymentReplicas(api);
    if (current === null) throw notDeployed(api);
    const hpa = await readHpa(api);
    if (hpa !== null && source === 'manual') {
      throw new ScaledeckError(
        'AUTOSCALER_ACTIVE',
        `the HorizontalPodAutoscaler ${api.namespace}/${NAMES.hpa} owns the replica count ` +
          `(${hpa.spec?.minReplicas}..${hpa.spec?.maxReplicas} at ${autoscalerFromHpa(hpa).targetCpuUtilizationPercent}% CPU); ` +
          'scaling by hand would be undone at its next sync: turn it off first (autoscale off) or change its min/max',
        'replicas',
      );
    }
    if (current === replicas) return;
    await this.set(replicas);
    this.emit({ type: 'scale', at: Date.now(), source, from: current, to: replicas });
  }
}
