import { defineConfig } from 'vite';

// A plain page: index.html + src/main.ts. The SDK packages resolve to their built dist/.
export default defineConfig({
  // The verify bundle is ~160 KB gzip today (pkijs alone is ~87 KB): see `pnpm bench:bundle`.
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 800 },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
