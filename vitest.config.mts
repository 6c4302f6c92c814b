import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    // One module cache per worker, so each environment is synthesized once, not once per file.
    pool: 'threads',
    isolate: false,
    testTimeout: 30_000,
    // It imports its JSON schemas without an import attribute, which Node refuses; Vite's loader does not.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
