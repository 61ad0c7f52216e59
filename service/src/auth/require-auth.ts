import type { RequestHandler } from 'express';
import { unauthorized } from '../errors.js';
import type { Principal, TokenService } from './tokens.js';

declare module 'express-serve-static-core' {
  interface Locals {
    principal?: Principal;
  }
}

// A JWT is three base64url segments; anything else is rejected before touching crypto.
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

export function requireAuth(tokens: TokenService): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    const match = header === undefined ? null : BEARER.exec(header);
    if (!match) return next(unauthorized());
    const principal = await tokens.verify(match[1]!);
    if (!principal) return next(unauthorized('the bearer token is invalid or expired'));
    res.locals.principal = principal;
    next();
  };
}
