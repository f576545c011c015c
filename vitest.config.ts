import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Two test files at once, also on a 2-core machine (vitest's default there is one): most files wait on
    // sockets and child processes, and every test must hold on a busy machine anyway.
    maxWorkers: 2,
    // In CI a JSON report lets .ci/run print one plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]] : ['default'],
  },
});
