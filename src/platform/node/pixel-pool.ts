// Decode + resize on worker_threads, so the CLI's pixels are prepared while the backbone runs.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  createPixelPool,
  type PixelPool,
  type PixelReply,
  type PixelWorkerPort,
} from '../pixel-pool-core.ts';

/** About half the cores: the other half runs the backbone (tfjs in the main thread). */
export function defaultPoolSize(): number {
  return Math.max(1, Math.floor(availableParallelism() / 2));
}

/**
 * The worker is TypeScript: a worker thread does not inherit the parent's loader hooks under every runner
 * (tsx, vitest), so an eval'd bootstrap registers tsx's ESM hooks itself and then imports pixel-worker.ts.
 */
function bootstrapCode(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  const api = pathToFileURL(join(dirname(pkgPath), pkg.exports['./esm/api'].import.default)).href;
  const worker = new URL('./pixel-worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(worker)}); });`;
}

function nodePort(worker: Worker): PixelWorkerPort {
  return {
    post: (request, transfer) => worker.postMessage(request, transfer),
    listen(onReply, onCrash) {
      worker.on('message', (reply: PixelReply) => onReply(reply));
      worker.on('error', onCrash);
      worker.on('exit', (code) => onCrash(new Error(`exited with code ${code}`)));
    },
    terminate: () => worker.terminate(),
  };
}

/** A pool of `size` pixel workers; call close() when done (idle workers would keep the process alive). */
export function createNodePixelPool(size = defaultPoolSize()): PixelPool {
  const code = bootstrapCode();
  const ports = Array.from({ length: size }, () => nodePort(new Worker(code, { eval: true })));
  return createPixelPool(ports);
}
