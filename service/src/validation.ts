import { z } from 'zod';
import { badRequest, fromZodError } from './errors.js';

export function parse<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' | 'params',
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw fromZodError(result.error, where);
  return result.data;
}

const name = z.string().trim().min(1).max(100);
const email = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());
const password = z.string().min(8).max(128);

export const createUserBody = z.strictObject({ name, email, password });

export const tokenBody = z.strictObject({
  email,
  // No minimum here: a wrong password of any length is a 401, not a hint about the policy.
  password: z.string().min(1).max(128),
});

export const updateUserBody = z
  .strictObject({ name, email, password, role: z.enum(['user', 'admin']) })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'at least one of name, email, password, role is required');

export const userIdParams = z.strictObject({ id: z.uuid() });

export const listUsersQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100')
    .transform(Number)
    .pipe(z.number().int().min(1).max(100))
    .default(20),
  cursor: z.string().max(64).optional(),
});

/** Cursors are opaque to clients: the base64url of the last id of the previous page. */
export const encodeCursor = (id: string) => Buffer.from(id, 'utf8').toString('base64url');

export function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!z.uuid().safeParse(id).success)
    throw badRequest('cursor: not a cursor returned by this API', 'cursor');
  return id;
}
