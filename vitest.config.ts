import { defineConfig } from 'vitest/config';

// Integration tests start real servers (PostgreSQL, Redis, dockerd stacks, a Kubernetes node);
// on a 2-core machine they are more reliable one file at a time.
// Component tests (*.test.tsx) ask for a DOM with a `// @vitest-environment jsdom` comment of their
// own, so every other test keeps running on plain Node.
export default defineConfig({
  test: {
    include: ['**/*.test.ts', '**/*.test.tsx'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
