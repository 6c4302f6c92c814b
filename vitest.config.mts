import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    // Helm, and one synthesis of every stack that all test files read (docs/TESTING.md).
    globalSetup: ['__tests__/setup/global.ts'],
    // One module cache per worker, so what a file builds in-process is built once per worker, not once per file.
    pool: 'threads',
    isolate: false,
    testTimeout: 30_000,
    // It imports its JSON schemas without an import attribute, which Node refuses; Vite's loader does not.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
