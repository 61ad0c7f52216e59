import { describe, expect, it } from 'vitest';
import { generateSecrets } from './secrets.ts';

describe('generateSecrets', () => {
  it('makes fresh, URL- and shell-safe secrets on every call', () => {
    const first = generateSecrets();
    const second = generateSecrets();
    expect(first.postgresPassword).toMatch(/^[0-9a-f]{48}$/);
    expect(first.jwtSecret).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(first.adminPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(second.postgresPassword).not.toBe(first.postgresPassword);
    expect(second.jwtSecret).not.toBe(first.jwtSecret);
    expect(second.adminPassword).not.toBe(first.adminPassword);
  });
});
