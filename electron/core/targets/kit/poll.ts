/**
 * One poll-until loop for both targets. The timeout cancels the step in flight: every step gets
 * an AbortSignal that aborts at the deadline, to hand to fetch/dockerode/the Kubernetes client, and
 * the wait ends at the deadline even when a step ignores it (no request outlives its wait).
 */
import { ScaledeckError } from '../../errors.ts';

export interface PollOptions {
  timeoutMs: number;
  /** Pause between steps (default 250 ms). */
  intervalMs?: number;
  /** Errors that end the wait at once: a step that cannot succeed by waiting longer. */
  isFatal?: (error: unknown) => boolean;
}

/** Resolves with a value when done, or null/undefined/false for "not yet"; a throw also means "not yet". */
export type PollStep<T> = (signal: AbortSignal) => Promise<T | null | undefined | false>;

export async function pollUntil<T>(what: string, options: PollOptions, step: PollStep<T>): Promise<T> {
  const { timeoutMs, intervalMs = 250, isFatal = () => false } = options;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`${what}: timed out`)), timeoutMs);
  const timedOut = new Promise<never>((_, reject) =>
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), {
      once: true,
    }),
  );
  timedOut.catch(() => undefined);
  let lastError: unknown;
  try {
    while (!controller.signal.aborted) {
      try {
        const value = await Promise.race([step(controller.signal), timedOut]);
        if (value !== undefined && value !== null && value !== false) return value;
      } catch (error) {
        if (controller.signal.aborted) break;
        if (isFatal(error)) throw error;
        lastError = error;
      }
      await Promise.race([new Promise((resolve) => setTimeout(resolve, intervalMs)), timedOut]).catch(
        () => undefined,
      );
    }
  } finally {
    clearTimeout(timer);
  }
  const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new ScaledeckError(
    'TIMEOUT',
    `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${why}`,
  );
}
