import { defineConfig } from 'vite';

// `pnpm --filter @ws/dashboard dev` serves the UI with the API proxied to a running webstream on :8000.
export default defineConfig({
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8000', '/stream': 'http://127.0.0.1:8000', '/health': 'http://127.0.0.1:8000' },
  },
});
