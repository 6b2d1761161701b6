// Transfer Lab: cross-origin isolation for static hosts that cannot send COOP/COEP headers (e.g. GitHub Pages).
// This service worker re-serves the site's own responses with those headers, so after one reload the page is
// crossOriginIsolated and tfjs-wasm can use threads. Registered by src/app/isolation.ts only when needed.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  // The lab loads nothing cross-origin; other origins' responses are left exactly as they are.
  if (new URL(request.url).origin !== self.location.origin) return;
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  event.respondWith(
    fetch(request).then((response) => {
      if (response.status === 0) return response;
      const headers = new Headers(response.headers);
      headers.set('Cross-Origin-Opener-Policy', 'same-origin');
      headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
      headers.set('Cross-Origin-Resource-Policy', 'same-origin');
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }),
  );
});
