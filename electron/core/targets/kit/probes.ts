/**
 * The checks a deploy ends with: the stack's URLs answer from this machine. Each probe is one
 * request that is aborted when its own timeout passes, so a hung connection never outlives it.
 */
import type { StackStatus } from '../../contract.ts';

/** How long one probe request may take before it is aborted and counted as a miss. */
export const PROBE_TIMEOUT_MS = 2000;
/** How long a deploy waits for each URL to answer. */
export const PROBE_WINDOW_MS = 60_000;

/** True when GET url answers 2xx within timeoutMs; the request is aborted at the timeout. */
export async function answersOk(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await response.body?.cancel();
  return response.ok;
}

/** A bounded wait that retries check until it returns true (each target's poll loop fits). */
export type WaitUntilTrue = (
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
) => Promise<unknown>;

export interface ProbePaths {
  /** Path of the load balancer's own health check (NGINX: /lb-healthz; a Service: the API's /healthz). */
  loadBalancer: string;
  /** What the wait for it is called in a timeout, e.g. "the load balancer answering". */
  loadBalancerWait: string;
}

/** Waits until the load balancer and Prometheus both answer through the URLs the status gives. */
export async function waitStackAnswers(
  endpoints: StackStatus['endpoints'],
  paths: ProbePaths,
  waitUntil: WaitUntilTrue,
): Promise<void> {
  await waitUntil(paths.loadBalancerWait, PROBE_WINDOW_MS, async () => {
    const url = endpoints.loadBalancer;
    return url !== null && (await answersOk(`${url}${paths.loadBalancer}`));
  });
  await waitUntil('Prometheus answering', PROBE_WINDOW_MS, async () => {
    const url = endpoints.prometheus;
    return url !== null && (await answersOk(`${url}/-/ready`));
  });
}
