import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two cores: files run in parallel by default; heavy parity suites mark themselves sequential.
    pool: 'forks',
    env: { TZ: 'UTC' },
  },
});
