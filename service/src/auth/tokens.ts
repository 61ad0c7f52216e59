import { SignJWT, jwtVerify } from 'jose';
import type { Role } from '../db/users-repo.js';

const ISSUER = 'scaledeck-user-api';
const ALGORITHM = 'HS256';
const VERIFIED_CACHE_MAX = 10_000;

export interface Principal {
  userId: string;
  role: Role;
}

export class TokenService {
  private readonly key: Promise<CryptoKey>;
  private readonly ttlSeconds: number;
  // Clients reuse a token for many requests; re-checking its HMAC each time was the largest cost
  // of a cached read. Keyed by the exact token string, so only a token this process has already
  // verified can hit, and its expiry is still checked on every use.
  private readonly verified = new Map<string, { principal: Principal; expiresAtMs: number }>();

  constructor(secret: Uint8Array, ttlSeconds: number) {
    // Imported once: handing jose raw bytes would re-import the key on every call.
    this.key = crypto.subtle.importKey(
      'raw',
      secret as Uint8Array<ArrayBuffer>,
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
    this.ttlSeconds = ttlSeconds;
  }

  async issue(principal: Principal): Promise<string> {
    return new SignJWT({ role: principal.role })
      .setProtectedHeader({ alg: ALGORITHM })
      .setSubject(principal.userId)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(await this.key);
  }

  /** Returns the principal, or null for any token that is malformed, forged, expired or foreign. */
  async verify(token: string): Promise<Principal | null> {
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAtMs > Date.now()) return known.principal;
      this.verified.delete(token);
      return null;
    }
    try {
      const { payload } = await jwtVerify(token, await this.key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        requiredClaims: ['sub', 'exp'],
      });
      const role = payload['role'];
      if (typeof payload.sub !== 'string' || (role !== 'user' && role !== 'admin')) return null;
      const principal: Principal = { userId: payload.sub, role };
      if (this.verified.size >= VERIFIED_CACHE_MAX) this.verified.clear();
      this.verified.set(token, { principal, expiresAtMs: payload.exp! * 1000 });
      return principal;
    } catch {
      return null;
    }
  }
}
