/** The Kubernetes target kind: one per kube context of the kubeconfig, --context and --namespace. */
import { z } from 'zod';
import type { CurrentTarget } from '../../contract.ts';
import { ScaledeckError, ValidationError, toErrorData } from '../../errors.ts';
import type { LiveTarget, TargetDescriptor } from '../target.ts';
import { loadKubeConfig } from './connect.ts';
import { KUBE_CONTEXT_FIX, listKubeContexts } from './contexts.ts';
import { KubernetesTarget } from './kubernetes-target.ts';

/** A Kubernetes namespace name (an RFC 1123 label), as kubectl accepts it. */
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const selectSchema = z.strictObject({
  kind: z.literal('kubernetes'),
  context: z
    .string('must be the name of a kube context (see targets:list)')
    .trim()
    .min(1, 'must be the name of a kube context (see targets:list)'),
  namespace: z
    .string('must be a namespace name')
    .regex(NAMESPACE_NAME, 'must be a namespace name: lowercase letters, digits and -, at most 63')
    .optional(),
});
type KubernetesRequest = z.output<typeof selectSchema>;

function current(context: string, namespace?: string): CurrentTarget {
  return {
    kind: 'kubernetes',
    id: `kubernetes:${context}`,
    label: `Kubernetes: ${context}`,
    context,
    ...(namespace === undefined ? {} : { namespace }),
  };
}

export const kubernetesDescriptor: TargetDescriptor<'kubernetes', KubernetesRequest> = {
  kind: 'kubernetes',
  title: 'a Kubernetes context',
  flags: [
    { name: 'context', value: '<name>', description: 'kube context, default: the current one' },
    { name: 'namespace', value: '<name>', description: 'namespace of the stack, default scaledeck-<stack>' },
  ],
  capabilities: { pastCapacity: 'pending' },
  selectSchema,
  fix: KUBE_CONTEXT_FIX,
  failureField: 'context',
  fromFlags: ({ context, namespace }) => ({ kind: 'kubernetes', context, namespace }),
  fromRequest(request, { kubeconfig }) {
    // The context must exist in the kubeconfig the session reads, else an error naming context.
    let known: string[];
    try {
      known = loadKubeConfig({ kubeconfig })
        .getContexts()
        .map((context) => context.name);
    } catch (error) {
      throw new ScaledeckError('TARGET_UNAVAILABLE', toErrorData(error).message, 'context');
    }
    if (!known.includes(request.context))
      throw new ValidationError(
        'context',
        `no kube context named "${request.context}" in the kubeconfig; known: ${known.join(', ') || 'none'} (targets:list shows each with its reachability)`,
      );
    return { kind: 'kubernetes', context: request.context, namespace: request.namespace, kubeconfig };
  },
  open: (choice, { settings, stack, docker }) =>
    // KUBECONFIG (several files) and the context are read the way kubectl reads them.
    new KubernetesTarget(settings, {
      stack,
      docker,
      context: choice.context,
      kubeconfig: choice.kubeconfig,
      ...(choice.namespace === undefined ? {} : { namespace: choice.namespace }),
    }),
  describe(target: LiveTarget) {
    if (!(target instanceof KubernetesTarget)) throw new Error(`not a Kubernetes target: ${target.kind}`);
    return { ...current(target.contextName), namespace: target.namespace };
  },
  requested: (request) => current(request.context, request.namespace),
  isCurrent: (request, now) =>
    now.id === current(request.context).id &&
    (request.namespace === undefined || request.namespace === now.namespace),
  // Its Deployment/StatefulSet brings the pod back by itself.
  killed: (what, name, restore) =>
    what === 'replica'
      ? `deleted API pod ${name} (no grace); its Deployment replaces it`
      : `deleted pod ${name} (no grace); Kubernetes starts a new one, \`${restore}\` waits for it`,
  list: ({ kubeconfig }) => listKubeContexts(kubeconfig),
};
