import { defineConfig } from 'vitest/config';

// Integration tests start real servers (PostgreSQL, Redis, dockerd stacks, a Kubernetes node);
// on a 2-core machine they are more reliable one file at a time.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
