import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

/**
 * Three projects, run separately by `npm test`:
 * - unit: extension domain code (utils/, contract/, pages/, components/) with WXT's fake browser;
 * - server: the reference portal's unit and integration tests (real server, real SQLite);
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
