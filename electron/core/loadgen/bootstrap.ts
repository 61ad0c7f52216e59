import type { ApiClient } from './api-client.ts';

export interface LoadUser {
  userId: string;
  email: string;
  password: string;
  token: string;
}

export class BootstrapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BootstrapError';
  }
}

export const LOADGEN_EMAIL_DOMAIN = 'loadgen.scaledeck.test';

/** Reads need bearer tokens: sign up a few users of our own (random password per run) and log them in. */
export async function signUpUsers(
  client: ApiClient,
  runId: string,
  password: string,
  count: number,
): Promise<LoadUser[]> {
  const one = async (index: number): Promise<LoadUser> => {
    const email = `loadgen-${runId}-u${index}@${LOADGEN_EMAIL_DOMAIN}`;
    const created = await client.send({
      method: 'POST',
      path: '/users',
      json: { name: `Load generator ${runId} #${index}`, email, password },
      readBody: true,
    });
    if (created.status !== 201) {
      throw new BootstrapError(
        `sign-up of a load user failed: POST /users -> ${created.status} ${created.body ?? ''}`,
      );
    }
    const userId = (JSON.parse(created.body ?? '{}') as { id?: unknown }).id;
    if (typeof userId !== 'string') throw new BootstrapError('sign-up of a load user returned no id');
    const token = await logIn(client, email, password);
    return { userId, email, password, token };
  };
  return Promise.all(Array.from({ length: count }, (_, i) => one(i + 1)));
}

export async function logIn(client: ApiClient, email: string, password: string): Promise<string> {
  const response = await client.send({
    method: 'POST',
    path: '/auth/token',
    json: { email, password },
    readBody: true,
  });
  if (response.status !== 200) {
    throw new BootstrapError(`login of a load user failed: POST /auth/token -> ${response.status}`);
  }
  const token = (JSON.parse(response.body ?? '{}') as { token?: unknown }).token;
  if (typeof token !== 'string') throw new BootstrapError('POST /auth/token returned no token');
  return token;
}

/** Collects up to maxKeys user ids by following the keyset pagination of GET /users. */
export async function discoverKeys(client: ApiClient, token: string, maxKeys: number): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | null = null;
  do {
    const limit = Math.min(100, maxKeys - keys.length);
    const query: string =
      cursor === null ? `limit=${limit}` : `limit=${limit}&cursor=${encodeURIComponent(cursor)}`;
    const response = await client.send({ method: 'GET', path: `/users?${query}`, token, readBody: true });
    if (response.status !== 200)
      throw new BootstrapError(`listing user ids failed: GET /users -> ${response.status}`);
    const page = JSON.parse(response.body ?? '{}') as {
      items?: Array<{ id?: unknown }>;
      nextCursor?: unknown;
    };
    for (const item of page.items ?? []) if (typeof item.id === 'string') keys.push(item.id);
    cursor = typeof page.nextCursor === 'string' && (page.items?.length ?? 0) > 0 ? page.nextCursor : null;
  } while (cursor !== null && keys.length < maxKeys);
  return keys;
}
