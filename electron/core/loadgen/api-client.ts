import { Pool } from 'undici';
import type { ErrorKind } from './stats.ts';

export interface ApiResponse {
  status: number;
  /** Only read when asked; otherwise the body is drained so the connection can be reused. */
  body: string | null;
  cache: 'hit' | 'miss' | null;
}

export interface ApiRequest {
  method: 'GET' | 'POST';
  path: string;
  token?: string;
  json?: unknown;
  readBody?: boolean;
  signal?: AbortSignal;
  /** Ask for `Connection: close`: this connection ends after the response (the client model's churn). */
  closeConnection?: boolean;
}

/** Keep-alive HTTP/1.1 connections to one origin (undici's Pool: far cheaper per request than fetch). */
export class ApiClient {
  private readonly pool: Pool;
  private readonly prefix: string;
  private opened = 0;

  constructor(baseUrl: URL, connections: number, timeoutMs: number) {
    this.pool = new Pool(baseUrl.origin, {
      connections,
      pipelining: 1,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connectTimeout: Math.min(timeoutMs, 10_000),
      keepAliveTimeout: 30_000,
    });
    this.prefix = baseUrl.pathname.replace(/\/+$/, '');
    this.pool.on('connect', () => this.opened++);
  }

  /** TCP connections opened so far (each one a fresh pick for a connection-level balancer). */
  get connectionsOpened(): number {
    return this.opened;
  }

  async send(request: ApiRequest): Promise<ApiResponse> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (request.token) headers['authorization'] = `Bearer ${request.token}`;
    let body: string | undefined;
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    }
    const response = await this.pool.request({
      method: request.method,
      path: this.prefix + request.path,
      headers,
      body,
      signal: request.signal,
      ...(request.closeConnection ? { reset: true } : {}),
    });
    const cacheHeader = response.headers['x-cache'];
    const cache =
      cacheHeader === 'hit' || cacheHeader === 'HIT' ? 'hit' : cacheHeader === undefined ? null : 'miss';
    if (request.readBody) return { status: response.statusCode, body: await response.body.text(), cache };
    await response.body.dump();
    return { status: response.statusCode, body: null, cache };
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}

/** Maps a thrown request error to the kind reported in the run's errors. */
export function classifyError(error: unknown): ErrorKind {
  const { name, code } = (error ?? {}) as { name?: string; code?: string };
  if (name === 'AbortError' || code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR') return 'aborted';
  if (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  ) {
    return 'timeout';
  }
  if (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    code === 'UND_ERR_SOCKET' ||
    code === 'UND_ERR_CLOSED' ||
    code === 'UND_ERR_DESTROYED' ||
    code === 'EHOSTUNREACH' ||
    code === 'ENETUNREACH'
  ) {
    return 'connection';
  }
  return 'other';
}
