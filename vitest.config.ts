import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

/**
 * Four projects, run separately by `npm test`:
 * - unit: extension domain code (utils/, contract/, pages/, components/) with WXT's fake browser;
 * - server: the reference portal's unit and integration tests (real server, real SQLite);
 * - server-postgres: the same tests that store data, on a throwaway PostgreSQL;
 * - e2e: puppeteer driving real Chromium with the built extension against a real portal.
 */
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [WxtVitest()],
        test: {
          name: 'unit',
          include: [
            'utils/**/*.test.ts',
            'pages/**/*.test.{ts,tsx}',
            'components/**/*.test.{ts,tsx}',
            'contract/**/*.test.ts',
            'entrypoints/**/*.test.{ts,tsx}',
            'tests/unit/**/*.test.ts',
          ],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'server',
          include: ['server/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The same server tests on PostgreSQL (a throwaway cluster per test file, server/test/portal.ts):
        // everything that stores data. Left out: tests that touch no database (SSH key parsing), the
        // CLI's process plumbing on a SQLite folder, the browser accessibility pages, and the tests
        // that run on PostgreSQL anyway (nodes behind nginx).
        test: {
          name: 'server-postgres',
          include: ['server/**/*.test.ts'],
          exclude: [
            'server/test/ssh/**',
            'server/test/config.test.ts',
            'server/test/services/client-address.test.ts',
            'server/test/services/log-sink.test.ts',
            'server/test/services/user-agent.test.ts',
            'server/test/services/passwords.test.ts',
            'server/test/a11y.test.ts',
            'server/test/cli.test.ts',
            'server/test/cli-start.test.ts',
            'server/test/postgres-nodes.test.ts',
            'server/test/node-loss.test.ts',
            'server/test/trusted-proxies.test.ts',
            // SQLite's write-ahead log only.
            'server/test/db/checkpoints.test.ts',
          ],
          env: { PORTAL_TEST_DATABASE: 'postgres' },
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
