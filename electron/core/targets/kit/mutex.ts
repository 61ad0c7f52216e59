/**
 * Runs async work one at a time, in call order; a failed run does not block the next. Targets use
 * it so that deploy, scale, reconcile and teardown never interleave within one process.
 */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once everything queued so far has finished (dispose waits on it). */
  async idle(): Promise<void> {
    await this.tail;
  }
}
