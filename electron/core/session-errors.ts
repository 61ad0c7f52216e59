/** Which failures the session's timeline shows, and the contract errors the load generator's become. */
import { COMMAND_CHANNELS, isChannel, type ErrorData, type UiEvent } from './contract.ts';
import { ValidationError, httpStatusOf } from './errors.ts';
import { LoadOptionsError, TargetNotAllowedError } from './loadgen.ts';

/**
 * A command that failed in the system (engine, stack, network) goes on the timeline; deploy and
 * target:select record their own. Refused requests and reads do not: they changed nothing.
 */
export function failureEvent(channel: string, error: ErrorData): UiEvent | null {
  if (!isChannel(channel) || !COMMAND_CHANNELS.has(channel)) return null;
  if (channel === 'stack:deploy' || channel === 'target:select') return null;
  // Refused requests (bad input, nothing to stop, not deployed) are the caller's to show.
  if (httpStatusOf(error) < 500 || error.code === 'DISPOSED') return null;
  return { type: 'error', at: Date.now(), error: { ...error, message: `${channel}: ${error.message}` } };
}

/** Errors from the load generator's own validation become contract errors naming the field. */
export function normalizeError(error: unknown): unknown {
  if (error instanceof LoadOptionsError)
    return new ValidationError(error.field, error.message.replace(`${error.field}: `, ''));
  if (error instanceof TargetNotAllowedError) return new ValidationError(error.field, error.message);
  return error;
}

/** A failing query fails every tick: one error event per query and message per minute. */
export class FeedErrors {
  private readonly recent = new Map<string, number>();

  /** The error event to push now, or null when the same one went out within the minute. */
  admit(message: string, query: string, now = Date.now()): UiEvent | null {
    const key = `${query}\u0000${message}`;
    if (now - (this.recent.get(key) ?? 0) < 60_000) return null;
    this.recent.set(key, now);
    return { type: 'error', at: now, error: { code: 'METRICS', message: `${message} (${query})` } };
  }

  clear(): void {
    this.recent.clear();
  }
}
