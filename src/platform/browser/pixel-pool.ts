// Decode + resize in nested module Workers, so the next batch's pixels are ready while the backbone runs.
// Vite bundles pixel-worker.ts from the `new URL(..., import.meta.url)` below.

import {
  createPixelPool,
  type PixelPool,
  type PixelReply,
  type PixelWorkerPort,
} from '../pixel-pool-core.ts';

/** About half the logical cores: the rest run the backbone (wasm threads) and the page. */
export function defaultBrowserPoolSize(): number {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2;
  return Math.max(1, Math.floor(cores / 2));
}

function browserPort(worker: Worker): PixelWorkerPort {
  return {
    post: (request, transfer) => worker.postMessage(request, transfer),
    listen(onReply, onCrash) {
      worker.onmessage = (event: MessageEvent<PixelReply>) => onReply(event.data);
      worker.onerror = (event) => {
        event.preventDefault();
        onCrash(new Error(event.message || 'the pixel worker failed to load or crashed'));
      };
      worker.onmessageerror = () => onCrash(new Error('a message from the pixel worker could not be read'));
    },
    terminate: async () => worker.terminate(),
  };
}

/** A pool of `size` pixel workers; close() terminates them. Usable from a page or from a Worker. */
export function createBrowserPixelPool(size = defaultBrowserPoolSize()): PixelPool {
  const ports = Array.from({ length: size }, (_, i) =>
    browserPort(
      new Worker(new URL('./pixel-worker.ts', import.meta.url), { type: 'module', name: `pixels-${i + 1}` }),
    ),
  );
  return createPixelPool(ports);
}
