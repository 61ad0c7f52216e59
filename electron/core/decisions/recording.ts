/**
 * A recording: what each autoscaler sync saw and decided, enough to replay it through the same
 * algorithm (replay.ts). One entry per sync: the pod samples, the current count, the spec in
 * effect and the count decided. `run` changes whenever the controller started a fresh autoscaler
 * (its settings changed), because the windows and policies' history restart with it.
 */
import { z } from 'zod';
import {
  hpaBehaviorInputSchema,
  podSampleShape,
  type AutoscalerSpec,
  type PodSample,
} from '../autoscaler.ts';
import { autoscalerMetricsSchema } from '../autoscaler-metrics.ts';
import { parseOrThrow } from '../errors.ts';

export const RECORDING_VERSION = 1;

export interface RecordedSync {
  /** epoch ms */
  at: number;
  run: number;
  spec: AutoscalerSpec;
  currentReplicas: number;
  pods: PodSample[];
  /** The API's p95 latency in ms as read for this sync; only when the spec lists p95LatencyMs. */
  p95LatencyMs?: number;
  desiredReplicas: number;
}

export interface Recording {
  version: typeof RECORDING_VERSION;
  /** The target whose loop made the decisions (only Docker's are Scaledeck's own). */
  target: string;
  syncs: RecordedSync[];
}

const podSchema = z.strictObject(podSampleShape);

const specSchema = z.strictObject({
  minReplicas: z.int().min(1),
  maxReplicas: z.int().min(1),
  targetCpuUtilizationPercent: z.int().positive(),
  profile: z.enum(['kubernetes', 'demo']),
  behavior: hpaBehaviorInputSchema.optional(),
  // Absent in every recording made before metrics lists: CPU only, replayed as before.
  metrics: autoscalerMetricsSchema.optional(),
});

const syncSchema = z.strictObject({
  at: z.number().finite(),
  run: z.int().min(0),
  spec: specSchema,
  currentReplicas: z.int().min(0),
  pods: z.array(podSchema),
  p95LatencyMs: z.number().finite().min(0).optional(),
  desiredReplicas: z.int().min(0),
});

export const recordingSchema = z.strictObject({
  version: z.literal(RECORDING_VERSION, `must be ${RECORDING_VERSION} (the only recording format so far)`),
  target: z.string().min(1),
  syncs: z
    .array(syncSchema)
    .refine(
      (syncs) => syncs.every((sync, i) => i === 0 || sync.at > (syncs[i - 1]?.at ?? -Infinity)),
      'must be in time order, one entry per sync',
    ),
});

/** A recording read from a file or the wire; bad input names the field (e.g. recording.syncs.3.pods). */
export function parseRecording(input: unknown): Recording {
  // The export's JSON may carry the recording beside other data.
  const candidate =
    typeof input === 'object' && input !== null && 'recording' in input
      ? (input as { recording: unknown }).recording
      : input;
  return parseOrThrow(recordingSchema, candidate, 'recording') as Recording;
}

/** A bounded log of the controller's own syncs: the oldest go first once full. */
export class DecisionRecorder {
  private readonly limit: number;
  private readonly syncs: RecordedSync[] = [];
  private run = 0;
  private readonly target: string;

  constructor(target: string, limit = 2000) {
    this.target = target;
    this.limit = limit;
  }

  /** A fresh autoscaler starts: its history starts over too. */
  newRun(): void {
    this.run += 1;
  }

  record(sync: Omit<RecordedSync, 'run'>): void {
    this.syncs.push({
      ...sync,
      run: this.run,
      pods: sync.pods.map((pod) => ({ ...pod })),
      spec: structuredClone(sync.spec),
    });
    if (this.syncs.length > this.limit) this.syncs.splice(0, this.syncs.length - this.limit);
  }

  get size(): number {
    return this.syncs.length;
  }

  recording(): Recording {
    return {
      version: RECORDING_VERSION,
      target: this.target,
      syncs: this.syncs.map((sync) => ({ ...sync })),
    };
  }
}
