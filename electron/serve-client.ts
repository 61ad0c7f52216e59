/**
 * Reads from a running `scaledeck serve` over its HTTP API (core/web.ts): POST /api/invoke/<channel>.
 * Read channels only, by type: this client holds no token, and a shared serve refuses commands
 * without one.
 */
import { CHANNEL_KINDS, type Channel, type InputOf, type Result, type ValueOf } from './core/contract.ts';
import { ScaledeckError } from './core/errors.ts';
import type { ServeAnnouncement } from './serve-announce.ts';

export type ReadChannel = { [C in Channel]: (typeof CHANNEL_KINDS)[C] extends 'read' ? C : never }[Channel];

/** A local server answers at once; one that does not within this is not worth waiting for. */
const TIMEOUT_MS = 15_000;

export class ServeClient {
  readonly serve: ServeAnnouncement;

  constructor(serve: ServeAnnouncement) {
    this.serve = serve;
  }

  /** "scaledeck serve for stack demo (pid 123) at http://127.0.0.1:4000/": for messages. */
  get label(): string {
    return `scaledeck serve for stack "${this.serve.stack}" (pid ${this.serve.pid}) at ${this.serve.url}`;
  }

  async invoke<C extends ReadChannel>(channel: C, input: InputOf<C>): Promise<ValueOf<C>> {
    let response: Response;
    try {
      response = await fetch(new URL(`api/invoke/${channel}`, this.serve.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new ScaledeckError(
        'SERVE_UNREACHABLE',
        `the ${this.label} does not answer (${cause?.code ?? cause?.message ?? (error as Error).message}); ` +
          'if it was stopped, start it again with `scaledeck serve`',
      );
    }
    let body: Result<ValueOf<C>>;
    try {
      body = (await response.json()) as Result<ValueOf<C>>;
    } catch {
      throw new ScaledeckError(
        'SERVE_UNREACHABLE',
        `the ${this.label} answered ${channel} with HTTP ${response.status} and no JSON: is it a scaledeck serve?`,
      );
    }
    if (!body.ok)
      throw new ScaledeckError(body.error.code, `${channel}: ${body.error.message}`, body.error.field);
    return body.value;
  }
}
