/**
 * What the target reads back from the cluster about its own stack (the Secret's keys, the
 * component label on pods, the autoscaler profile annotation on the HPA), parsed with a schema
 * instead of cast: a value someone edited by hand is refused or ignored, never trusted as typed.
 */
import type { V1Pod, V1Secret, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { z } from 'zod';
import type { AutoscalerProfile } from '../../autoscaler.ts';
import { LABEL, PROFILE_ANNOTATION, SECRET_KEYS, type Component } from '../../../../k8s/manifests.ts';
import type { StackSecrets } from '../kit/secrets.ts';

const COMPONENTS = ['api', 'postgres', 'redis', 'prometheus'] as const satisfies readonly Component[];

const base64Text = z
  .string()
  .min(1)
  .transform((value) => Buffer.from(value, 'base64').toString('utf8'))
  .pipe(z.string().min(1));

const secretData = z.object({
  [SECRET_KEYS.postgresPassword]: base64Text,
  [SECRET_KEYS.jwtSecret]: base64Text,
  [SECRET_KEYS.adminPassword]: base64Text,
});

/** The stack's secrets from its Secret, or null when it has none or a key is missing or empty. */
export function secretsFromSecret(secret: V1Secret | null): StackSecrets | null {
  const parsed = secretData.safeParse(secret?.data ?? {});
  if (!parsed.success) return null;
  return {
    postgresPassword: parsed.data[SECRET_KEYS.postgresPassword],
    jwtSecret: parsed.data[SECRET_KEYS.jwtSecret],
    adminPassword: parsed.data[SECRET_KEYS.adminPassword],
  };
}

const componentLabel = z.object({ [LABEL.component]: z.enum(COMPONENTS) });

/** Which part of the stack a pod belongs to, from its component label; null for anything else. */
export function componentOf(pod: V1Pod): Component | null {
  const parsed = componentLabel.safeParse(pod.metadata?.labels ?? {});
  return parsed.success ? parsed.data[LABEL.component] : null;
}

const profileAnnotation = z.object({ [PROFILE_ANNOTATION]: z.enum(['kubernetes', 'demo']) });

/** The profile the HPA was applied with; an HPA without (or with an unknown) annotation is Kubernetes'. */
export function profileOf(hpa: V2HorizontalPodAutoscaler): AutoscalerProfile {
  const parsed = profileAnnotation.safeParse(hpa.metadata?.annotations ?? {});
  return parsed.success ? parsed.data[PROFILE_ANNOTATION] : 'kubernetes';
}
