import { defineConfig } from 'vite';

// The server (signaling/) serves web/dist on the same origin as the WebSocket.
export default defineConfig({
  root: import.meta.dirname,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2048, // libsodium (WebAssembly inlined) is one large chunk by design
    // The app, and the self-host check page (/check, web/src/check/), which shares none of its code.
    rollupOptions: { input: { main: `${import.meta.dirname}/index.html`, check: `${import.meta.dirname}/check.html` } },
  },
  server: {
    proxy: { '/ws': { target: 'ws://127.0.0.1:8080', ws: true } },
  },
});
