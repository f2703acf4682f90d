import { defineConfig } from 'vitest/config';

// End-to-end tests: real Chromium with the built extension, CRM host names routed to the local
// HTTPS fixture server. One browser at a time: the machine has two cores.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
