/**
 * State read back from the engine is parsed, not cast: container labels are strings anyone with
 * the engine's socket can write, and records written by older versions lack newer fields.
 */
import { z } from 'zod';
import {
  PROFILES,
  effectiveBehavior,
  hpaBehaviorInputSchema,
  type AutoscalerProfile,
} from '../../autoscaler.ts';
import type { EnabledAutoscaler } from '../../contract.ts';
import { autoscalerMetricsSchema } from '../../autoscaler-metrics.ts';
import { ScaledeckError } from '../../errors.ts';
import { LABEL } from './labels.ts';
import type { DesiredState } from './stack-spec.ts';

const count = z.string().regex(/^\d+$/, 'must be a whole number').transform(Number);

const stateLabelsSchema = z.object({
  [LABEL.stateSeq]: count,
  [LABEL.desiredReplicas]: count.default(0),
  [LABEL.autoscaler]: z.string().min(1).optional(),
});

/** The autoscaler as stored; records written before behavior was editable have none. */
const storedAutoscalerSchema = z.object({
  enabled: z.literal(true),
  minReplicas: z.int().min(1),
  maxReplicas: z.int().min(1),
  targetCpuUtilizationPercent: z.int().min(1).max(100),
  // Read from the profiles, not the contract: the contract's module graph reaches this file.
  profile: z.enum(Object.keys(PROFILES) as [AutoscalerProfile, ...AutoscalerProfile[]]).default('kubernetes'),
  behavior: hpaBehaviorInputSchema.optional(),
  // Records written before metrics lists have none: CPU only.
  metrics: autoscalerMetricsSchema.optional(),
});

function corrupt(container: string, detail: string): ScaledeckError {
  return new ScaledeckError(
    'STATE_INVALID',
    `the desired-state record ${container} is unreadable (${detail}); ` +
      `remove it (docker rm ${container}) and deploy again`,
  );
}

/** The desired state in a state container's labels; throws naming the label when one is malformed. */
export function parseStateLabels(container: string, labels: Record<string, string>): DesiredState {
  const parsed = stateLabelsSchema.safeParse(labels);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw corrupt(container, `label ${String(issue?.path[0] ?? '?')}: ${issue?.message ?? 'invalid'}`);
  }
  const autoscaler = parsed.data[LABEL.autoscaler] ?? null;
  if (autoscaler !== null) parseStoredAutoscaler(container, autoscaler);
  return {
    seq: parsed.data[LABEL.stateSeq],
    desiredReplicas: parsed.data[LABEL.desiredReplicas],
    autoscaler,
  };
}

/** The stored autoscaler with its behavior completed from its profile. */
export function parseStoredAutoscaler(container: string, json: string): EnabledAutoscaler {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw corrupt(container, `label ${LABEL.autoscaler} is not JSON`);
  }
  const parsed = storedAutoscalerSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw corrupt(
      container,
      `label ${LABEL.autoscaler}.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const { behavior, ...rest } = parsed.data;
  return { ...rest, behavior: effectiveBehavior(rest.profile, behavior) };
}
