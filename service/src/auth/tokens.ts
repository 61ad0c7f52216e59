import { SignJWT, jwtVerify } from 'jose';
import type { Role } from '../db/users-repo.js';

const ISSUER = 'scaledeck-user-api';
const ALGORITHM = 'HS256';

export interface Principal {
  userId: string;
  role: Role;
}

export class TokenService {
  private readonly key: Uint8Array;
  private readonly ttlSeconds: number;
  constructor(key: Uint8Array, ttlSeconds: number) {
    this.key = key;
    this.ttlSeconds = ttlSeconds;
  }

  issue(principal: Principal): Promise<string> {
    return new SignJWT({ role: principal.role })
      .setProtectedHeader({ alg: ALGORITHM })
      .setSubject(principal.userId)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  /** Returns the principal, or null for any token that is malformed, forged, expired or foreign. */
  async verify(token: string): Promise<Principal | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        requiredClaims: ['sub', 'exp'],
      });
      const role = payload['role'];
      if (typeof payload.sub !== 'string' || (role !== 'user' && role !== 'admin')) return null;
      return { userId: payload.sub, role };
    } catch {
      return null;
    }
  }
}
