// Cross-origin isolation on any static host. Hosts that send COOP/COEP (dev, preview, Netlify with
// public/_headers) are isolated already. Elsewhere public/coi-sw.js adds the headers; the page reloads once
// so the service worker controls it. Until then tfjs-wasm simply runs without threads.

const RELOAD_FLAG = 'tlab-coi-reloaded';

export function registerIsolationWorker(): void {
  if (window.crossOriginIsolated || !window.isSecureContext || !('serviceWorker' in navigator)) return;
  const url = new URL('coi-sw.js', document.baseURI);
  navigator.serviceWorker
    .register(url, { scope: './' })
    .then(async () => {
      await navigator.serviceWorker.ready;
      // This document was loaded without the headers; a reload goes through the worker. At most once per tab
      // session, so a host or browser that bypasses the worker (e.g. a hard reload) never loops.
      if (sessionStorage.getItem(RELOAD_FLAG)) return;
      sessionStorage.setItem(RELOAD_FLAG, '1');
      location.reload();
    })
    .catch((error: unknown) => {
      console.warn('Transfer Lab: cross-origin isolation service worker not registered:', error);
    });
}
