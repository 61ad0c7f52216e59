import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ZodError } from 'zod';

export type ErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

/** An error that maps to one HTTP response: `{ error: { code, message, field? } }`. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    opts: { field?: string; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.field = opts.field;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

export const badRequest = (message: string, field?: string) =>
  new HttpError(400, 'invalid_request', message, field === undefined ? {} : { field });
export const unauthorized = (message = 'a valid bearer token is required') =>
  new HttpError(401, 'unauthorized', message);
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);
export const notFound = (message: string) => new HttpError(404, 'not_found', message);
export const conflict = (message: string, field?: string) =>
  new HttpError(409, 'conflict', message, field === undefined ? {} : { field });

/** Seconds a client should wait before retrying while a dependency is down. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;
export const unavailable = (message: string) =>
  new HttpError(503, 'unavailable', message, { retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS });

/** Turns the first zod issue into a 400 naming the offending field (dotted path, `where` as prefix). */
export function fromZodError(error: ZodError, where: 'body' | 'query' | 'params'): HttpError {
  const issue = error.issues[0];
  if (!issue) return badRequest(`invalid ${where}`, where);
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
  const field = path.length > 0 ? path.map(String).join('.') : where;
  const message =
    issue.code === 'unrecognized_keys' ? `unknown field "${field}"` : `${field}: ${issue.message}`;
  return badRequest(message, field);
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(notFound(`no route for ${req.method} ${req.path}`));
};

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

/** Last middleware: every error becomes the shared error shape; only unexpected ones log a stack. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) return next(err);
    let httpError: HttpError;
    if (err instanceof HttpError) {
      httpError = err;
    } else if (isClientError(err)) {
      // body-parser and friends: malformed JSON, too large, bad charset. Their messages are safe.
      const e = err as BodyParserError & Error;
      httpError =
        e.status === 413
          ? new HttpError(413, 'payload_too_large', 'request body is too large', { field: 'body' })
          : new HttpError(e.status ?? 400, 'invalid_request', describeBodyError(e), { field: 'body' });
    } else {
      logger.error({ err }, 'unhandled error');
      httpError = new HttpError(500, 'internal', 'internal error');
    }
    if (httpError.retryAfterSeconds !== undefined)
      res.set('Retry-After', String(httpError.retryAfterSeconds));
    const body: { code: ErrorCode; message: string; field?: string } = {
      code: httpError.code,
      message: httpError.message,
    };
    if (httpError.field !== undefined) body.field = httpError.field;
    res.status(httpError.status).json({ error: body });
  };
}

function isClientError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { status, expose } = err as BodyParserError;
  return typeof status === 'number' && status >= 400 && status < 500 && expose !== false;
}

function describeBodyError(e: BodyParserError & Error): string {
  switch (e.type) {
    case 'entity.parse.failed':
      return 'body is not valid JSON';
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return 'body encoding is not supported';
    default:
      return e.message || 'invalid body';
  }
}
