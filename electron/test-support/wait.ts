/** Polling for tests: what a check waits for is named in the error when it never comes. */

/**
 * Resolves with the first truthy value of probe; fails after timeoutMs, with the probe's last
 * error when it threw (a throw counts as "not yet": a stack part may refuse while it starts).
 */
export async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | null | undefined | false>,
  { intervalMs = 500 }: { intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const value = await probe().catch((error: unknown) => {
      lastError = error;
      return null;
    });
    if (value) return value;
    if (Date.now() > deadline) {
      const why = lastError === undefined ? '' : ` (last error: ${String(lastError)})`;
      throw new Error(`${what}: not within ${timeoutMs} ms${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
