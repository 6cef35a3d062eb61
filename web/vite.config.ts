/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** Where `npm run dev` forwards API traffic: the Dialwave API in its default embedded mode. */
const API = 'http://127.0.0.1:4000';

// Vite needs a default export here.
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/graphql': { target: API, ws: true, changeOrigin: true },
      '/api': { target: API, changeOrigin: true },
      '/webhooks': { target: API, changeOrigin: true },
    },
  },
  build: {
    // GraphiQL (Monaco) is big; it is a lazy route chunk, so the warning is noise.
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      onwarn(warning, warn) {
        // GraphiQL's dependencies carry React Compiler directives ("use no memo") that a
        // bundle cannot keep; harmless, and dozens of lines of noise per build.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
  },
});
