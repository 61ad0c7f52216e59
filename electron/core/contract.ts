/**
 * The one contract between the control plane and its callers (CLI today; IPC and HTTP/SSE
 * later): commands with their input schemas, and the events the core pushes. Transport-free.
 */
import { z } from 'zod';
import type { ScaleDecision } from './autoscaler.ts';
import type { ErrorData } from './errors.ts';

export const AUTOSCALER_PROFILES = ['kubernetes', 'demo'] as const;

/** Replica counts are bounded by settings.maxReplicas, so the schemas are built from it. */
export function replicasSchema(maxReplicas: number) {
  return z
    .int('must be a whole number')
    .min(0, 'must be at least 0')
    .max(maxReplicas, `must be at most ${maxReplicas} (settings.maxReplicas)`);
}

export function commandSchemas(maxReplicas: number) {
  const replicas = replicasSchema(maxReplicas);
  return {
    deploy: z.strictObject({ replicas: replicas.default(2) }),
    scale: z.strictObject({ replicas }),
    setAutoscaler: z.discriminatedUnion('enabled', [
      z.strictObject({ enabled: z.literal(false) }),
      z
        .strictObject({
          enabled: z.literal(true),
          minReplicas: z
            .int('must be a whole number')
            .min(1, 'must be at least 1')
            .max(maxReplicas, `must be at most ${maxReplicas} (settings.maxReplicas)`),
          maxReplicas: z
            .int('must be a whole number')
            .min(1, 'must be at least 1')
            .max(maxReplicas, `must be at most ${maxReplicas} (settings.maxReplicas)`),
          targetCpuUtilizationPercent: z
            .int('must be a whole number')
            .min(1, 'must be between 1 and 100')
            .max(100, 'must be between 1 and 100 (percent of each replica’s CPU limit)'),
          profile: z.enum(AUTOSCALER_PROFILES).default('kubernetes'),
        })
        .refine((v) => v.minReplicas <= v.maxReplicas, {
          message: 'must not exceed maxReplicas',
          path: ['minReplicas'],
        }),
    ]),
    status: z.strictObject({}),
    teardown: z.strictObject({ deleteVolumes: z.boolean().default(false) }),
  };
}

export type CommandSchemas = ReturnType<typeof commandSchemas>;
export type DeployInput = z.output<CommandSchemas['deploy']>;
export type ScaleInput = z.output<CommandSchemas['scale']>;
export type AutoscalerInput = z.output<CommandSchemas['setAutoscaler']>;
export type TeardownInput = z.output<CommandSchemas['teardown']>;
export type EnabledAutoscaler = Extract<AutoscalerInput, { enabled: true }>;

export type ReplicaState = 'starting' | 'ready' | 'unhealthy' | 'stopped' | 'draining';
export type ComponentRole = 'postgres' | 'redis' | 'lb' | 'prometheus';
export type ComponentState = 'missing' | 'starting' | 'healthy' | 'unhealthy' | 'stopped';

export interface ReplicaStatus {
  name: string;
  id: string;
  state: ReplicaState;
  startedAt: number | null;
}

export interface StackStatus {
  target: 'docker' | 'kubernetes';
  stack: string;
  /** absent: nothing deployed; running: every part healthy and desired = ready; degraded otherwise. */
  phase: 'absent' | 'running' | 'degraded';
  desiredReplicas: number;
  readyReplicas: number;
  replicas: ReplicaStatus[];
  components: Record<ComponentRole, ComponentState>;
  endpoints: { loadBalancer: string | null; prometheus: string | null };
  autoscaler: EnabledAutoscaler | null;
  dataVolume: string | null;
}

export type ReplicaEventKind = 'created' | 'ready' | 'stopped' | 'failed';
export type ScaleSource = 'manual' | 'autoscaler' | 'reconcile' | 'deploy';

export type CoreEvent =
  | { type: 'progress'; at: number; step: string; percent: number; log?: string }
  | { type: 'replica'; at: number; kind: ReplicaEventKind; name: string; detail?: string }
  | { type: 'scale'; at: number; source: ScaleSource; from: number; to: number }
  | { type: 'autoscaler'; at: number; decision: ScaleDecision }
  | { type: 'error'; at: number; error: ErrorData };

export type CoreEventListener = (event: CoreEvent) => void;

/** Progress of long work (build, deploy, teardown); percent is 0..100 for the whole operation. */
export type ProgressListener = (progress: { step: string; percent: number; log?: string }) => void;
