import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    reporters: ['default', './test/support/passFailReporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
