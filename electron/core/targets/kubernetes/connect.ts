/**
 * Kube contexts as kubectl finds them (KUBECONFIG with several files, the current context,
 * --context), and errors from the API server turned into sentences that name the context, the
 * server and the verb/resource, and say what to do.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiException, KubeConfig } from '@kubernetes/client-node';
import { ScaledeckError } from '../../errors.ts';

export interface KubeConnectOptions {
  /** Context name; default: the kubeconfig's current context. */
  context?: string | undefined;
  /** A path list like KUBECONFIG (':'-separated); default: $KUBECONFIG, else ~/.kube/config. */
  kubeconfig?: string | undefined;
}

export function kubeconfigFiles(kubeconfig: string | undefined = process.env.KUBECONFIG): string[] {
  const files = (kubeconfig ?? '').split(path.delimiter).filter((file) => file !== '');
  return files.length > 0 ? files : [path.join(os.homedir(), '.kube', 'config')];
}

/**
 * kubectl's merge rules: the first file that sets current-context wins, and the first file that
 * defines a cluster, user or context name wins (client-node's own merge lets the last one win and
 * throws on duplicates).
 */
export function loadKubeConfig(options: KubeConnectOptions = {}): KubeConfig {
  const files = kubeconfigFiles(options.kubeconfig);
  const merged = new KubeConfig();
  let current = '';
  let loaded = 0;
  for (const file of files) {
    if (!existsSync(file)) continue;
    const config = new KubeConfig();
    try {
      config.loadFromFile(file);
    } catch (error) {
      throw new ScaledeckError(
        'KUBECONFIG_INVALID',
        `kubeconfig ${file} cannot be read: ${(error as Error).message}`,
        'kubeconfig',
        { cause: error },
      );
    }
    loaded++;
    if (current === '' && config.currentContext) current = config.currentContext;
    for (const cluster of config.clusters) if (!merged.getCluster(cluster.name)) merged.addCluster(cluster);
    for (const user of config.users) if (!merged.getUser(user.name)) merged.addUser(user);
    for (const context of config.contexts)
      if (!merged.getContextObject(context.name)) merged.addContext(context);
  }
  if (loaded === 0) {
    throw new ScaledeckError(
      'NO_KUBECONFIG',
      `no kubeconfig found (looked at ${files.join(', ')}); start a cluster (e.g. \`minikube start\`) or set KUBECONFIG`,
      'kubeconfig',
    );
  }
  const wanted = options.context ?? current;
  if (!wanted) {
    throw new ScaledeckError(
      'NO_CONTEXT',
      `the kubeconfig (${files.join(', ')}) has no current context; pick one with --context (known: ${contextNames(merged)})`,
      'context',
    );
  }
  if (!merged.getContextObject(wanted)) {
    throw new ScaledeckError(
      'UNKNOWN_CONTEXT',
      `context "${wanted}" is not in the kubeconfig (${files.join(', ')}); known contexts: ${contextNames(merged)}; ` +
        'pick one with --context or fix KUBECONFIG',
      'context',
    );
  }
  merged.setCurrentContext(wanted);
  const context = merged.getContextObject(wanted);
  if (context && !merged.getCluster(context.cluster)) {
    throw new ScaledeckError(
      'KUBECONFIG_INVALID',
      `context "${wanted}" names cluster "${context.cluster}", which no kubeconfig file (${files.join(', ')}) defines`,
      'context',
    );
  }
  return merged;
}

function contextNames(config: KubeConfig): string {
  const names = config.getContexts().map((context) => context.name);
  return names.length > 0 ? names.join(', ') : '(none)';
}

export interface KubeCallSite {
  context: string;
  server: string;
  /** e.g. "list", "patch", "delete" */
  verb: string;
  /** e.g. "pods in namespace scaledeck-default" */
  resource: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string') {
      const found = [...NETWORK_CODES].find((name) => message.includes(name));
      if (found) return found;
    }
    e = (e as { cause?: unknown }).cause;
  }
  // fetch's own refusals (e.g. "bad port") come as "fetch failed" with a plain cause.
  if (error instanceof Error && error.message === 'fetch failed')
    return (error.cause as Error | undefined)?.message ?? 'connection failed';
  return undefined;
}

function apiMessage(error: ApiException<unknown>): string {
  const body = error.body;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as { message?: string };
      if (parsed.message) return parsed.message;
    } catch {
      return body.slice(0, 300);
    }
  }
  if (body && typeof body === 'object' && 'message' in body) return String(body.message);
  return error.message.split('\n')[0] ?? '';
}

/** An error from a call to the API server, as a ScaledeckError that says what happened and what to do. */
export function describeKubeError(error: unknown, site: KubeCallSite): Error {
  if (error instanceof ScaledeckError) return error;
  const where = `context "${site.context}" (${site.server})`;
  const what = `${site.verb} ${site.resource}`;
  if (error instanceof ApiException) {
    const detail = apiMessage(error);
    if (error.code === 401) {
      return new ScaledeckError(
        'CLUSTER_UNAUTHORIZED',
        `${where} rejected the credentials (401 Unauthorized) to ${what}: the token or client certificate ` +
          'is expired or wrong; log in again (refresh it with your cloud CLI, `minikube update-context`, or a new kubeconfig)',
        'context',
        { cause: error },
      );
    }
    if (error.code === 403) {
      return new ScaledeckError(
        'CLUSTER_FORBIDDEN',
        `${where} does not allow this user to ${what} (403 Forbidden: ${detail}); ask the cluster's admin ` +
          'for a Role or ClusterRole that grants it, or use a context that has it',
        'context',
        { cause: error },
      );
    }
    if (error.code === 422 || error.code === 400) {
      return new ScaledeckError('CLUSTER_REJECTED', `${where} refused to ${what}: ${detail}`, undefined, {
        cause: error,
      });
    }
    return new ScaledeckError(
      'CLUSTER_ERROR',
      `${where} failed to ${what} (HTTP ${error.code}: ${detail})`,
      undefined,
      {
        cause: error,
      },
    );
  }
  const code = networkCode(error);
  if (code !== undefined) {
    return new ScaledeckError(
      'CLUSTER_UNREACHABLE',
      `cannot reach ${where} to ${what} (${code}); check that the cluster is running ` +
        '(e.g. `minikube start`, `npm run cluster:up`) and that the context points at it (`kubectl config get-contexts`)',
      'context',
      { cause: error },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ScaledeckError('CLUSTER_ERROR', `${where} failed to ${what}: ${message}`, undefined, {
    cause: error,
  });
}

/**
 * The HTTP status the API server answered with: the ApiException's own code, or its code as the
 * cause of an error described above. Never read from message text, which names contexts and
 * resources the user chose.
 */
export function statusCodeOf(error: unknown): number | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (e instanceof ApiException) return e.code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isNotFound(error: unknown): boolean {
  return statusCodeOf(error) === 404;
}
