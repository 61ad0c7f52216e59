/**
 * Browser mode: the contract over HTTP and server-sent events.
 *
 *   POST /api/invoke/<channel>   JSON input -> 200 { ok: true, value } | 4xx/5xx { ok: false, error }
 *   GET  /api/events             SSE: `event: core`, `id: <seq>`, JSON data; Last-Event-ID replays
 *   GET  /api/session            { share, canCommand, tokenRejected, sharedBy, tokenChannels }
 *   GET  /                       the built renderer (dist/renderer), with a CSP
 *
 * Bound to 127.0.0.1 by default; any other address needs `share`. Shared, it listens on every
 * interface read-only: reads and the event stream are open, commands (and targets:list) need
 * `Authorization: Bearer <token>`. Either way only this machine's own names are answered in the
 * Host header (DNS rebinding).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { CONTENT_SECURITY_POLICY } from './csp.ts';
import { isChannel, type ErrorData, type SequencedEvent } from './contract.ts';
import { ValidationError, httpStatusOf } from './errors.ts';
import type { Session } from './session.ts';
import { loopbackPolicy, refusalFor, sharePolicy, type HostPolicy } from './web/host-policy.ts';
import { isLoopbackHost } from './web/local-addresses.ts';
import {
  TOKEN_CHANNELS,
  bearerToken,
  tokenMatches,
  whyTokenFor,
  type ShareSession,
} from './web/share-access.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const DEFAULT_RENDERER_DIR = path.join(ROOT, 'dist/renderer');
const HEARTBEAT_MS = 15_000;
/** An SSE client this far behind is cut off; it reconnects with Last-Event-ID and catches up. */
const MAX_SSE_BUFFER_BYTES = 8 * 1024 * 1024;

export interface WebAppOptions {
  session: Session;
  /** When set, requests whose Host header names another host are refused (DNS rebinding). */
  hostPolicy?: HostPolicy | null;
  /** Read-only sharing: commands (TOKEN_CHANNELS) need this token. */
  shareToken?: string | null;
  rendererDir?: string;
}

const jsonBody = (limit: string, text: string) => ({ parser: express.json({ limit, strict: false }), text });
const SMALL_BODY = jsonBody('64kb', '64 kB');
// What if… on a file opened offline sends the file's recording along: the recorder keeps up to
// 2,000 syncs, a few MB with many replicas.
const RECORDING_BODY = jsonBody('16mb', '16 MB');

function bodyLimitFor(channel: string) {
  return channel === 'decisions:whatif' ? RECORDING_BODY : SMALL_BODY;
}

function fail(res: Response, error: ErrorData): void {
  res.status(httpStatusOf(error)).json({ ok: false, error });
}

export function createWebApp(options: WebAppOptions): express.Express & { closeStreams(): void } {
  const { session } = options;
  const shareToken = options.shareToken ?? null;
  const rendererDir = options.rendererDir ?? DEFAULT_RENDERER_DIR;
  const streams = new Set<Response>();
  const app = express() as express.Express & { closeStreams(): void };
  app.disable('x-powered-by');

  app.use((_req, res, next) => {
    res.set({
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    next();
  });

  const hostPolicy = options.hostPolicy ?? null;
  if (hostPolicy !== null) {
    app.use((req, res, next) => {
      const refusal = refusalFor(hostPolicy, req.get('host'), req.socket.localPort ?? 0);
      if (refusal !== null) {
        fail(res, { code: 'FORBIDDEN', message: refusal, field: 'host' });
        return;
      }
      next();
    });
  }

  // A page from another origin must not drive the stack (the browser sends Origin on cross-site POSTs).
  app.use('/api', (req, res, next) => {
    const origin = req.get('origin');
    if (origin !== undefined && origin !== `${req.protocol}://${req.get('host')}`) {
      fail(res, { code: 'FORBIDDEN', message: `requests from ${origin} are not allowed` });
      return;
    }
    next();
  });

  app.post(
    '/api/invoke/:channel',
    (req, res, next) => {
      // Only JSON: a cross-site "simple" form or text/plain POST cannot reach a command.
      if (!req.is('application/json')) {
        fail(res, {
          code: 'UNSUPPORTED_MEDIA_TYPE',
          message: 'the body must be JSON (Content-Type: application/json)',
          field: 'body',
        });
        return;
      }
      next();
    },
    (req: Request<{ channel: string }>, res, next) => {
      const body = bodyLimitFor(req.params.channel);
      res.locals['bodyLimit'] = body.text;
      body.parser(req, res, next);
    },
    async (req: Request<{ channel: string }>, res) => {
      const channel = req.params.channel;
      if (!isChannel(channel)) {
        fail(res, { code: 'UNKNOWN_CHANNEL', message: `no channel named "${channel}"`, field: 'channel' });
        return;
      }
      if (shareToken !== null && TOKEN_CHANNELS.has(channel)) {
        const given = bearerToken(req.get('authorization'));
        if (!tokenMatches(given, shareToken)) {
          fail(res, {
            code: 'UNAUTHORIZED',
            message:
              `${whyTokenFor(channel)}: this shared dashboard is read-only without the token` +
              (given === null
                ? ' (send Authorization: Bearer <token>)'
                : " (the token sent is not this server's)"),
            field: 'authorization',
          });
          return;
        }
      }
      const result = await session.handle(channel, req.body);
      if (result.ok) res.json(result);
      else fail(res, result.error);
    },
  );

  app.get('/api/session', (req, res) => {
    const given = bearerToken(req.get('authorization'));
    const accepted = shareToken === null || tokenMatches(given, shareToken);
    const body: ShareSession = {
      share: shareToken !== null,
      canCommand: accepted,
      tokenRejected: shareToken !== null && given !== null && !accepted,
      sharedBy: shareToken === null ? null : hostname(),
      tokenChannels: shareToken === null ? [] : [...TOKEN_CHANNELS],
    };
    res.set('Cache-Control', 'no-store').json(body);
  });

  app.get('/api/events', (req, res) => {
    res.set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write('retry: 2000\n\n');
    const send = (event: SequencedEvent) => {
      if (res.writableLength > MAX_SSE_BUFFER_BYTES) {
        res.end();
        return;
      }
      res.write(`id: ${event.seq}\nevent: core\ndata: ${JSON.stringify(event)}\n\n`);
    };
    const lastEventId = Number(req.get('last-event-id') ?? req.query['lastEventId']);
    if (Number.isInteger(lastEventId) && lastEventId >= 0)
      for (const event of session.timeline.after(lastEventId)) send(event);
    const cancel = session.subscribe(send);
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    streams.add(res);
    res.on('close', () => {
      clearInterval(heartbeat);
      cancel();
      streams.delete(res);
    });
  });

  app.all('/api/{*rest}', (req, res) => {
    fail(res, { code: 'UNKNOWN_CHANNEL', message: `${req.method} ${req.path} is not part of the API` });
  });

  // Checked per request, so a renderer built while the server runs is served without a restart.
  const index = path.join(rendererDir, 'index.html');
  app.use(express.static(rendererDir, { index: 'index.html', fallthrough: true }));
  app.get('/{*rest}', (_req, res) => {
    if (existsSync(index)) {
      res.sendFile(index);
      return;
    }
    res
      .status(200)
      .type('html')
      .send(
        '<!doctype html><meta charset="utf-8"><title>Scaledeck</title>' +
          '<p>The dashboard is not built yet. Build the renderer (it goes to <code>dist/renderer</code>) and reload.</p>' +
          '<p>The API is live: <code>POST /api/invoke/&lt;channel&gt;</code>, <code>GET /api/events</code>.</p>',
      );
  });

  // Body parser errors (bad JSON, too large) are validation errors of the body.
  app.use(
    (error: Error & { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
      if (res.headersSent) {
        next(error);
        return;
      }
      if (error.type === 'entity.parse.failed') {
        fail(res, { code: 'VALIDATION', message: `body: not valid JSON (${error.message})`, field: 'body' });
        return;
      }
      if (error.type === 'entity.too.large') {
        fail(res, {
          code: 'VALIDATION',
          message: `body: larger than ${String(res.locals['bodyLimit'] ?? SMALL_BODY.text)}`,
          field: 'body',
        });
        return;
      }
      fail(res, { code: 'INTERNAL', message: error.message });
    },
  );

  app.closeStreams = () => {
    for (const res of streams) res.end();
    streams.clear();
  };
  return app;
}

export interface WebServerOptions {
  session: Session;
  host?: string;
  port?: number;
  /** Read-only sharing on the LAN: binds every interface (unless host is given) and generates a token. */
  share?: boolean;
  rendererDir?: string;
}

export interface WebServer {
  url: string;
  /** The command token in share mode (show it once, on the local terminal only), else null. */
  token: string | null;
  server: Server;
  close(): Promise<void>;
}

/**
 * The address to listen on. Anything but loopback without `share` is refused rather than quietly
 * made read-only: whoever typed --host 0.0.0.0 should learn that the network gets a viewer, not
 * the controls.
 */
export function bindAddress(host: string | undefined, share: boolean): string {
  if (host === undefined) return share ? '0.0.0.0' : '127.0.0.1';
  const bare = host.trim().replace(/^\[(.*)\]$/, '$1');
  if (bare === '')
    throw new ValidationError('host', '--host is empty: give an address such as 127.0.0.1, or leave it out');
  if (!share && !isLoopbackHost(bare))
    throw new ValidationError(
      'host',
      `--host ${host} is not a loopback address, and browser mode on it would let anyone who can reach it ` +
        'drive the stack. Add --share to serve it read-only (commands then need the token printed on this ' +
        'terminal), or use --host 127.0.0.1 to keep it on this machine',
    );
  return bare;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const share = options.share === true;
  const host = bindAddress(options.host, share);
  const token = share ? randomBytes(24).toString('base64url') : null;
  const app = createWebApp({
    session: options.session,
    shareToken: token,
    hostPolicy: share ? sharePolicy(host) : loopbackPolicy(host),
    ...(options.rendererDir === undefined ? {} : { rendererDir: options.rendererDir }),
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(options.port ?? 0, host, (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  const { port } = server.address() as AddressInfo;
  const shownHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    token,
    server,
    close: async () => {
      app.closeStreams();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
