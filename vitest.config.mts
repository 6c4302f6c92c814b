import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    // Helm, and one synthesis of every stack that all test files read (docs/TESTING.md).
    globalSetup: ['__tests__/setup/global.ts'],
    // One module cache per worker, so what a file builds in-process is built once per worker, not once per file.
    pool: 'threads',
    isolate: false,
    // A worker per core, at least two: vitest's default leaves one core to the main process, and on a 2-core
    // machine that runs every file in one worker while the tests' child processes wait on each other.
    maxWorkers: Math.max(2, availableParallelism()),
    testTimeout: 30_000,
    // It imports its JSON schemas without an import attribute, which Node refuses; Vite's loader does not.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
