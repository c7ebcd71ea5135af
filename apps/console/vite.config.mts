import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The console is built into dist/console and served by the ledger under /console (apps/ledger/src/http/console-files.ts).
 * JSX is compiled by Vite itself (tsconfig.json: react-jsx); no plugin needed.
 * `npm run dev:console` serves it with hot reload and sends the API calls to a ledger on LEDGER_URL (default :3000).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    // ECharts alone is most of the bundle; it is loaded only by the statistics page.
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: Object.fromEntries(
      ['/v1', '/health'].map((path) => [path, process.env.LEDGER_URL ?? 'http://127.0.0.1:3000']),
    ),
  },
});
