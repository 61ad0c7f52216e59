/**
 * Every kube context of the kubeconfig (KUBECONFIG, several files) with whether its API server
 * answers, for the dashboard's target picker. Contexts are probed in parallel, 3 s each.
 */
import { VersionApi } from '@kubernetes/client-node';
import type { TargetInfo } from '../../contract.ts';
import { toErrorData } from '../../errors.ts';
import { describeKubeError, loadKubeConfig } from './connect.ts';

/** What to do about a context that does not answer (the picker and target:select say the same). */
export const KUBE_CONTEXT_FIX = 'start that cluster or refresh its credentials, then refresh';

export async function listKubeContexts(kubeconfig?: string): Promise<TargetInfo[]> {
  let names: string[];
  try {
    names = loadKubeConfig({ kubeconfig })
      .getContexts()
      .map((context) => context.name);
  } catch (error) {
    return [
      {
        kind: 'kubernetes',
        id: 'kubernetes',
        label: 'Kubernetes',
        available: false,
        reason: toErrorData(error).message,
        fix: 'start a cluster (e.g. `minikube start`) or set KUBECONFIG',
      },
    ];
  }
  return Promise.all(
    names.map(async (name): Promise<TargetInfo> => {
      const info: TargetInfo = {
        kind: 'kubernetes',
        id: `kubernetes:${name}`,
        label: `Kubernetes: ${name}`,
        available: true,
      };
      try {
        const kc = loadKubeConfig({ kubeconfig, context: name });
        const server = kc.getCurrentCluster()?.server ?? '';
        try {
          await Promise.race([
            kc.makeApiClient(VersionApi).getCode(),
            new Promise<never>((_, reject) =>
              setTimeout(
                () => reject(Object.assign(new Error('no answer within 3 s'), { code: 'ETIMEDOUT' })),
                3000,
              ).unref(),
            ),
          ]);
        } catch (error) {
          throw describeKubeError(error, {
            context: name,
            server,
            verb: 'get',
            resource: 'the server version',
          });
        }
      } catch (error) {
        info.available = false;
        info.reason = toErrorData(error).message;
        info.fix = KUBE_CONTEXT_FIX;
      }
      return info;
    }),
  );
}
