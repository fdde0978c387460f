import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Static files for the API to serve at /console: external scripts and styles only, so a strict CSP holds. */
export default defineConfig({
  root: here,
  base: '/console/',
  plugins: [preact()],
  // The API's request and response types: type-only apart from the enum lists, with no dependencies.
  resolve: { alias: { '@jim/contracts': fileURLToPath(new URL('../../libs/contracts/src/index.ts', import.meta.url)) } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    // Vite's module preload polyfill is an inline script: not needed by current browsers, and refused by the CSP.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
