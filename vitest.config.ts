import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `electron` cannot be loaded here (its binary is never downloaded): every test that touches the
// Electron layer gets the stub instead.
const electronStub = fileURLToPath(new URL('./test/stubs/electron.ts', import.meta.url));

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias: { electron: electronStub } },
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
          environment: 'node',
          // A console warning or error fails the unit test that caused it.
          setupFiles: ['test/unit/fail-on-console.ts'],
          // A timeout catches a hang, never slowness: on a loaded 2-core machine importing a module
          // graph (pdf.js, the Electron layer) alone took over 5 s, and speed belongs in benchmarks.
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias: { electron: electronStub } },
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/integration-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
