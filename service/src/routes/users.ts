import { Router, type RequestHandler } from 'express';
import { hashPassword } from '../auth/password.js';
import type { Principal } from '../auth/tokens.js';
import type { UserCache } from '../cache/user-cache.js';
import { DuplicateEmailError, type UsersRepo, type UserChanges } from '../db/users-repo.js';
import { HttpError, conflict, forbidden, notFound } from '../errors.js';
import {
  createUserBody,
  decodeCursor,
  encodeCursor,
  listUsersQuery,
  parse,
  updateUserBody,
  userIdParams,
} from '../validation.js';

export interface UsersRouteDeps {
  repo: UsersRepo;
  cache: UserCache;
  scryptCost: number;
  /** Run before each handler: rate limit (read), plus body parsing (write). */
  pre: { read: RequestHandler[]; write: RequestHandler[] };
  auth: RequestHandler;
}

const duplicateEmail = (err: unknown): never => {
  if (err instanceof DuplicateEmailError) throw conflict('a user with this email already exists', 'email');
  throw err;
};

function principalOf(locals: { principal?: Principal }): Principal {
  if (!locals.principal) throw new HttpError(401, 'unauthorized', 'a valid bearer token is required');
  return locals.principal;
}

function mayModify(principal: Principal, id: string): void {
  if (principal.role !== 'admin' && principal.userId !== id) {
    throw forbidden('you may only change or delete your own user');
  }
}

export function usersRouter(deps: UsersRouteDeps): Router {
  const router = Router();
  const { repo, cache, pre, auth } = deps;

  router.post('/users', ...pre.write, async (req, res) => {
    const body = parse(createUserBody, req.body, 'body');
    const passwordHash = await hashPassword(body.password, deps.scryptCost);
    const user = await repo
      .create({ name: body.name, email: body.email, passwordHash })
      .catch(duplicateEmail);
    res.status(201).location(`/users/${user.id}`).json(user);
  });

  router.get('/users', ...pre.read, auth, async (req, res) => {
    const query = parse(listUsersQuery, req.query, 'query');
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
    const page = await repo.list(query.limit, after);
    res.json({ items: page.items, nextCursor: page.nextId === null ? null : encodeCursor(page.nextId) });
  });

  router.get('/users/:id', ...pre.read, auth, async (req, res) => {
    const { id } = parse(userIdParams, req.params, 'params');
    const { json, result } = await cache.read(id, async () => {
      const user = await repo.findById(id);
      return user === null ? null : JSON.stringify(user);
    });
    res.set('X-Cache', result);
    if (json === null) throw notFound('no user with this id');
    res.type('application/json').send(json);
  });

  router.patch('/users/:id', ...pre.write, auth, async (req, res) => {
    const principal = principalOf(res.locals);
    const { id } = parse(userIdParams, req.params, 'params');
    mayModify(principal, id);
    const body = parse(updateUserBody, req.body, 'body');
    if (body.role !== undefined && principal.role !== 'admin') {
      throw new HttpError(403, 'forbidden', 'only an admin may change a role', { field: 'role' });
    }
    const changes: UserChanges = {};
    if (body.name !== undefined) changes.name = body.name;
    if (body.email !== undefined) changes.email = body.email;
    if (body.role !== undefined) changes.role = body.role;
    if (body.password !== undefined)
      changes.passwordHash = await hashPassword(body.password, deps.scryptCost);
    const user = await repo.update(id, changes).catch(duplicateEmail);
    await cache.invalidate(id);
    if (user === null) throw notFound('no user with this id');
    res.json(user);
  });

  router.delete('/users/:id', ...pre.read, auth, async (req, res) => {
    const principal = principalOf(res.locals);
    const { id } = parse(userIdParams, req.params, 'params');
    mayModify(principal, id);
    const deleted = await repo.delete(id);
    await cache.invalidate(id);
    if (!deleted) throw notFound('no user with this id');
    res.status(204).end();
  });

  return router;
}
