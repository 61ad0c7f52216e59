import { describe, expect, it } from 'vitest';
import { ALTER_USER_COMMAND, assertPasswordSet } from './postgres-password.ts';

describe('postgres password sync', () => {
  it('takes the password from the container env, never from argv', () => {
    const script = ALTER_USER_COMMAND.at(-1) ?? '';
    expect(script).toContain('ALTER USER');
    expect(script).toContain("'$POSTGRES_PASSWORD'");
    expect(script).toContain('ON_ERROR_STOP=1');
  });

  it('only exit 0 counts as done', () => {
    expect(() => assertPasswordSet(0)).not.toThrow();
    expect(() => assertPasswordSet(1)).toThrow(/psql exit 1/);
    expect(() => assertPasswordSet(null)).toThrow(/psql exit unknown/);
    expect(() => assertPasswordSet(undefined)).toThrow(/DATABASE|password/);
  });
});
