/**
 * A small node:http server with the User API's load-relevant routes and canned JSON, for testing
 * and benchmarking the generator itself (not the API). It counts what it sees (in-flight maximum,
 * arrivals, reads per id) and can stall on purpose.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface Arrival {
  at: number;
  method: string;
  path: string;
}

export class FakeUserApi {
  readonly ids: string[];
  readonly arrivals: Arrival[] = [];
  readonly readsById = new Map<string, number>();
  inFlight = 0;
  maxInFlight = 0;
  unauthorized = 0;
  /** Every response waits this long (ms) before it is sent. */
  responseDelayMs = 0;
  /** Keep arrivals for assertions; a benchmark turns this off. */
  recordArrivals = true;
  private readonly server: Server;
  private readonly cached = new Set<string>();
  private readonly users = new Map<string, { id: string; password: string }>();
  private holdUntil = 0;
  private blockNextForMs = 0;

  constructor(seededUsers = 1000) {
    this.ids = Array.from({ length: seededUsers }, () => randomUUID());
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Holds every response (new and in flight) until `ms` from now: the server stops answering. */
  stallFor(ms: number): { from: number; until: number } {
    const from = performance.now();
    this.holdUntil = from + ms;
    return { from, until: this.holdUntil };
  }

  /** The next request busy-waits `ms` inside the handler, freezing this whole process. */
  blockNextRequestFor(ms: number): void {
    this.blockNextForMs = ms;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const at = performance.now();
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const path = req.url ?? '/';
    if (this.recordArrivals) this.arrivals.push({ at, method: req.method ?? 'GET', path });
    if (this.blockNextForMs > 0) {
      const until = performance.now() + this.blockNextForMs;
      this.blockNextForMs = 0;
      while (performance.now() < until) {
        // Deliberately synchronous: a stop-the-world pause.
      }
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = chunks.length ? Buffer.concat(chunks).toString('utf8') : '';
      const reply = (status: number, json: unknown, headers: Record<string, string> = {}) => {
        const send = () => {
          this.inFlight--;
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(JSON.stringify(json));
        };
        const wait = Math.max(this.responseDelayMs, this.holdUntil - performance.now());
        if (wait > 0) setTimeout(send, wait);
        else send();
      };
      this.route(req.method ?? 'GET', path, req.headers.authorization, body, reply);
    });
  }

  private route(
    method: string,
    path: string,
    authorization: string | undefined,
    body: string,
    reply: (status: number, json: unknown, headers?: Record<string, string>) => void,
  ): void {
    const url = new URL(path, 'http://fake');
    if (method === 'POST' && url.pathname === '/users') {
      const { email, password } = JSON.parse(body || '{}') as { email?: string; password?: string };
      if (!email || !password)
        return reply(400, { error: { code: 'bad_request', message: 'email', field: 'email' } });
      const id = randomUUID();
      this.users.set(email, { id, password });
      return reply(201, { id, email, name: 'x', role: 'user' });
    }
    if (method === 'POST' && url.pathname === '/auth/token') {
      const { email, password } = JSON.parse(body || '{}') as { email?: string; password?: string };
      const user = email ? this.users.get(email) : undefined;
      if (!user || user.password !== password)
        return reply(401, { error: { code: 'unauthorized', message: 'no' } });
      return reply(200, { token: `token-${user.id}` });
    }
    if (!authorization?.startsWith('Bearer token-')) {
      this.unauthorized++;
      return reply(401, { error: { code: 'unauthorized', message: 'a valid bearer token is required' } });
    }
    if (method === 'GET' && url.pathname === '/users') {
      const limit = Number(url.searchParams.get('limit') ?? 20);
      const cursor = url.searchParams.get('cursor');
      const start = cursor === null ? 0 : this.ids.indexOf(Buffer.from(cursor, 'base64url').toString()) + 1;
      const items = this.ids
        .slice(start, start + limit)
        .map((id) => ({ id, name: 'x', email: `${id}@x.test` }));
      const last = items.at(-1);
      const nextCursor =
        last && start + limit < this.ids.length ? Buffer.from(last.id).toString('base64url') : null;
      return reply(200, { items, nextCursor });
    }
    const match = /^\/users\/([0-9a-f-]{36})$/.exec(url.pathname);
    if (method === 'GET' && match?.[1]) {
      const id = match[1];
      this.readsById.set(id, (this.readsById.get(id) ?? 0) + 1);
      // Cache-aside like the real API: the first read of an id misses, later ones hit.
      const hit = this.cached.has(id);
      this.cached.add(id);
      return reply(200, { id, name: 'x' }, { 'x-cache': hit ? 'hit' : 'miss' });
    }
    return reply(404, { error: { code: 'not_found', message: 'no route' } });
  }
}
