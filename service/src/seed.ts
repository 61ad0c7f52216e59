// Creates N users fast for demos and benchmarks: `npm run seed -- --count 10000` with DATABASE_URL.
// One scrypt hash is computed and shared by every seeded user (hashing each would take minutes),
// and rows are generated inside PostgreSQL in large batches. Re-running is idempotent.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { z } from 'zod';
import { hashPassword } from './auth/password.js';
import { migrate } from './db/migrations.js';
import { createPool } from './db/pool.js';

const BATCH = 20_000;

const argsSchema = z.strictObject({
  count: z
    .string({ error: '--count is required' })
    .regex(/^\d+$/, '--count must be a whole number')
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, '--count must be at least 1')
        .max(10_000_000, '--count must be at most 10000000'),
    ),
  password: z.string().min(8, '--password must be at least 8 characters').max(128).optional(),
  'scrypt-cost': z
    .string()
    .regex(/^\d+$/)
    .transform(Number)
    .refine((n) => n >= 2 && (n & (n - 1)) === 0, '--scrypt-cost must be a power of two')
    .optional(),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { count: { type: 'string' }, password: { type: 'string' }, 'scrypt-cost': { type: 'string' } },
    strict: true,
  });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) throw new Error(parsed.error.issues[0]!.message);
  const args = parsed.data;
  const databaseUrl = process.env['DATABASE_URL'];
  if (!databaseUrl) throw new Error('DATABASE_URL is required');

  const logger = pino({ level: 'warn' });
  const pool = createPool(databaseUrl, 2, logger);
  try {
    await migrate(pool, logger);
    const started = Date.now();
    // Without --password the seeded users cannot sign in: they exist to be read and listed.
    const password = args.password ?? randomBytes(24).toString('base64url');
    const hash = await hashPassword(
      password,
      args['scrypt-cost'] ?? Number(process.env['SCRYPT_COST'] ?? 16384),
    );
    let inserted = 0;
    for (let from = 1; from <= args.count; from += BATCH) {
      const to = Math.min(args.count, from + BATCH - 1);
      const { rowCount } = await pool.query(
        `INSERT INTO users (name, email, password_hash)
         SELECT 'Seed User ' || i, 'seed-' || i || '@seed.scaledeck.test', $3
         FROM generate_series($1::int, $2::int) AS i
         ON CONFLICT (email) DO NOTHING`,
        [from, to, hash],
      );
      inserted += rowCount ?? 0;
    }
    const ms = Date.now() - started;
    console.log(
      `seeded ${args.count} users (${inserted} new, ${args.count - inserted} already there) in ${ms} ms`,
    );
  } finally {
    await pool.end();
  }
}

main().catch((err: unknown) => {
  console.error(`seed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
