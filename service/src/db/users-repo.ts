import type pg from 'pg';
import { withDatabase } from './pool.js';

export type Role = 'user' | 'admin';

/** The public shape of a user: what every route returns, never the password hash. */
export interface PublicUser {
  id: string;
  name: string;
  email: string;
  role: Role;
  createdAt: string;
  updatedAt: string;
}

export interface UserWithHash extends PublicUser {
  passwordHash: string;
}

interface UserRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  password_hash: string;
  created_at: Date;
  updated_at: Date;
}

const PUBLIC_COLUMNS = 'id, name, email, role, created_at, updated_at';

function toPublic(row: Omit<UserRow, 'password_hash'>): PublicUser {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export class DuplicateEmailError extends Error {
  constructor() {
    super('email already registered');
    this.name = 'DuplicateEmailError';
  }
}

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

export interface NewUser {
  name: string;
  email: string;
  passwordHash: string;
  role?: Role;
}

export interface UserChanges {
  name?: string;
  email?: string;
  passwordHash?: string;
  role?: Role;
}

export class UsersRepo {
  private readonly pool: pg.Pool;
  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  async create(user: NewUser): Promise<PublicUser> {
    return withDatabase(async () => {
      try {
        const { rows } = await this.pool.query<UserRow>(
          `INSERT INTO users (name, email, password_hash, role) VALUES ($1, $2, $3, $4) RETURNING ${PUBLIC_COLUMNS}`,
          [user.name, user.email, user.passwordHash, user.role ?? 'user'],
        );
        return toPublic(rows[0]!);
      } catch (err) {
        if (isUniqueViolation(err)) throw new DuplicateEmailError();
        throw err;
      }
    });
  }

  /** Inserts unless the email exists; true when inserted. Safe for replicas racing at start-up. */
  async createIfAbsent(user: NewUser): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO users (name, email, password_hash, role) VALUES ($1, $2, $3, $4) ON CONFLICT (email) DO NOTHING`,
      [user.name, user.email, user.passwordHash, user.role ?? 'user'],
    );
    return rowCount === 1;
  }

  async existsByEmail(email: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM users WHERE email = $1', [email]);
    return rowCount === 1;
  }

  async findById(id: string): Promise<PublicUser | null> {
    return withDatabase(async () => {
      const { rows } = await this.pool.query<UserRow>(`SELECT ${PUBLIC_COLUMNS} FROM users WHERE id = $1`, [
        id,
      ]);
      return rows[0] ? toPublic(rows[0]) : null;
    });
  }

  async findByEmailWithHash(email: string): Promise<UserWithHash | null> {
    return withDatabase(async () => {
      const { rows } = await this.pool.query<UserRow>(
        `SELECT ${PUBLIC_COLUMNS}, password_hash FROM users WHERE email = $1`,
        [email],
      );
      const row = rows[0];
      return row ? { ...toPublic(row), passwordHash: row.password_hash } : null;
    });
  }

  /** Keyset pagination by id: stable under concurrent inserts, O(limit) whatever the page depth. */
  async list(limit: number, afterId: string | null): Promise<{ items: PublicUser[]; nextId: string | null }> {
    return withDatabase(async () => {
      const { rows } = await this.pool.query<UserRow>(
        afterId === null
          ? `SELECT ${PUBLIC_COLUMNS} FROM users ORDER BY id LIMIT $1`
          : `SELECT ${PUBLIC_COLUMNS} FROM users WHERE id > $2 ORDER BY id LIMIT $1`,
        afterId === null ? [limit + 1] : [limit + 1, afterId],
      );
      const hasMore = rows.length > limit;
      const items = rows.slice(0, limit).map(toPublic);
      return { items, nextId: hasMore ? items[items.length - 1]!.id : null };
    });
  }

  async update(id: string, changes: UserChanges): Promise<PublicUser | null> {
    const columns: Record<keyof UserChanges, string> = {
      name: 'name',
      email: 'email',
      passwordHash: 'password_hash',
      role: 'role',
    };
    const sets: string[] = [];
    const values: unknown[] = [id];
    for (const key of Object.keys(columns) as (keyof UserChanges)[]) {
      const value = changes[key];
      if (value === undefined) continue;
      values.push(value);
      sets.push(`${columns[key]} = $${values.length}`);
    }
    sets.push('updated_at = now()');
    return withDatabase(async () => {
      try {
        const { rows } = await this.pool.query<UserRow>(
          `UPDATE users SET ${sets.join(', ')} WHERE id = $1 RETURNING ${PUBLIC_COLUMNS}`,
          values,
        );
        return rows[0] ? toPublic(rows[0]) : null;
      } catch (err) {
        if (isUniqueViolation(err)) throw new DuplicateEmailError();
        throw err;
      }
    });
  }

  async delete(id: string): Promise<boolean> {
    return withDatabase(async () => {
      const { rowCount } = await this.pool.query('DELETE FROM users WHERE id = $1', [id]);
      return rowCount === 1;
    });
  }
}
