import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

// Unit and integration tests: plain Node by default; a test that needs a DOM says
// `// @vitest-environment happy-dom` in its first line.
export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    include: ['{lib,components,entrypoints,server,content,scripts,bench,test/unit}/**/*.test.{ts,tsx}'],
    restoreMocks: true,
  },
});
