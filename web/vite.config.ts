import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

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
  plugins: [
    // Installable, and opens offline: a Workbox service worker precaches the app shell (every
    // built asset), so with no network Parley opens, shows history (IndexedDB) and queues what is
    // written (the outbox). `prompt`: a new build waits until the user chooses "Reload"
    // (web/src/app/app-update.ts) instead of mixing versions in open tabs. Registered from the
    // bundle, never by an inline script (the server's CSP has no 'unsafe-inline' for scripts).
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['favicon.svg', 'favicon-unread.svg', 'icons/apple-touch-icon.png'],
      manifest: {
        id: '/',
        name: 'Parley',
        short_name: 'Parley',
        description: 'Private messages, sealed end to end.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: '#3b6fd8',
        background_color: '#ffffff',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        // The main chunk carries libsodium's WebAssembly inline (about 1.2 MB).
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        navigateFallback: 'index.html',
        // Only the app's own page falls back to the cached shell; the server's other pages
        // (/check, /healthz, /metrics, the admin endpoints) always go to the network.
        navigateFallbackAllowlist: [/^\/(index\.html)?$/],
        // The check page tests the network itself: it is never served from a cache.
        globIgnores: ['check.html', 'assets/check-*'],
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  server: {
    proxy: { '/ws': { target: 'ws://127.0.0.1:8080', ws: true } },
  },
});
