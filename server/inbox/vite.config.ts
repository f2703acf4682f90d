/**
 * Builds the staff inbox page into `server/inbox/dist`, which the backend serves at `/inbox/`
 * (`npm run build:inbox`). The page runs under `script-src 'self'; style-src 'self'`, so the
 * output must be files only: no inline scripts, styles or data-URL assets.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/inbox/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Every asset a file of its own: an inlined font or icon would be a data: URL the CSP may refuse.
    assetsInlineLimit: 0,
    // The polyfill would be bundled, not inline, but every browser staff use has modulepreload.
    modulePreload: { polyfill: false },
  },
});
