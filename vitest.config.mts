// Three projects: fast unit tests beside the code, integration tests against real servers,
// end-to-end tests in real Chromium. Servers and browsers are heavy on 2 cores: run those serially.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const alias = { '@': fileURLToPath(new URL('./', import.meta.url)) };

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['lib/**/*.test.ts', 'sync-server/**/*.test.ts', 'print-bridge/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Real servers answer in seconds, not milliseconds, on a busy 2-core machine.
          expect: { poll: { timeout: 15_000, interval: 100 } },
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          // After the other projects, alone: the browser tests measure real key timing (a wedge
          // burst is 8 ms per key) that servers under test on the same 2 cores would stretch.
          sequence: { groupOrder: 1 },
          testTimeout: 120_000,
          hookTimeout: 120_000,
          expect: { poll: { timeout: 15_000, interval: 100 } },
        },
      },
    ],
  },
});
