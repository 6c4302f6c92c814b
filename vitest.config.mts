import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    // One module cache per worker, so each environment is synthesized once, not once per file.
    pool: 'threads',
    isolate: false,
    testTimeout: 30_000,
  },
});
