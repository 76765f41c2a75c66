import { defineConfig } from 'vite';

// The server (signaling/) serves web/dist on the same origin as the WebSocket.
export default defineConfig({
  root: import.meta.dirname,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2048, // libsodium (WebAssembly inlined) is one large chunk by design
  },
  server: {
    proxy: { '/ws': { target: 'ws://127.0.0.1:8080', ws: true } },
  },
});
