import { Router, type RequestHandler } from 'express';
import { hashPassword, verifyPassword } from '../auth/password.js';
import type { TokenService } from '../auth/tokens.js';
import type { UsersRepo } from '../db/users-repo.js';
import { unauthorized } from '../errors.js';
import { parse, tokenBody } from '../validation.js';

export interface AuthRouteDeps {
  repo: UsersRepo;
  tokens: TokenService;
  scryptCost: number;
  before: RequestHandler[];
}

export function authRouter(deps: AuthRouteDeps): Router {
  const router = Router();
  // Unknown emails are checked against a throwaway hash of the same cost, so response time does
  // not reveal which emails are registered.
  let decoy: Promise<string> | null = null;
  const decoyHash = () => (decoy ??= hashPassword(crypto.randomUUID(), deps.scryptCost));

  router.post('/auth/token', ...deps.before, async (req, res) => {
    const body = parse(tokenBody, req.body, 'body');
    const user = await deps.repo.findByEmailWithHash(body.email);
    const ok = await verifyPassword(body.password, user?.passwordHash ?? (await decoyHash()));
    if (!user || !ok) throw unauthorized('email or password is wrong');
    const token = await deps.tokens.issue({ userId: user.id, role: user.role });
    res.json({ token });
  });

  return router;
}
