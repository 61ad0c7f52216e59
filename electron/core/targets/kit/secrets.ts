/** Per-stack secrets: generated on a fresh deploy, stored by the target (container env, a Secret). */
import { randomBytes } from 'node:crypto';

export interface StackSecrets {
  postgresPassword: string;
  jwtSecret: string;
  adminPassword: string;
}

export function generateSecrets(): StackSecrets {
  return {
    postgresPassword: randomBytes(24).toString('hex'),
    jwtSecret: randomBytes(48).toString('base64url'),
    adminPassword: randomBytes(18).toString('base64url'),
  };
}
