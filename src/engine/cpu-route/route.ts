// Which route a backbone's forward pass takes. On CPU backends (wasm, cpu) the CPU inference route: the lab's
// WebAssembly SIMD GEMM (src/engine/gemm) behind every convolution and linear layer, on all cores in the
// browser and in Node alike, so the CLI and the browser compute the same bits (docs/determinism.md). On GPU
// backends (webgpu, webgl) the tfjs graph. Where the GEMM cannot start (no SIMD) or a network does not fit it,
// the tfjs graph too, and the console says why.

import * as tf from '@tensorflow/tfjs-core';
import { gemmEngine } from '../gemm/shared-engine.ts';

/** 'auto': the CPU route on CPU backends, tfjs on GPU backends. The others force one (tests, bench). */
export type BackboneRoute = 'auto' | 'tfjs' | 'wasm-gemm';

const CPU_BACKENDS = new Set(['wasm', 'cpu']);
let route: BackboneRoute = 'auto';

export function setBackboneRoute(next: BackboneRoute): void {
  route = next;
}

export function backboneRoute(): BackboneRoute {
  return route;
}

/** Whether a forward pass starting now should take the CPU route. */
export function wantsCpuRoute(): boolean {
  return route === 'wasm-gemm' || (route === 'auto' && CPU_BACKENDS.has(tf.getBackend()));
}

/**
 * Threads a lab-format backbone's forward pass uses now: the GEMM engine's on the CPU route, else the tfjs
 * backend's own. (tfjs-graph models, the nsfwjs CNNs, use the backend's.) For sizing the decode pool.
 */
export async function forwardThreads(backendThreads: number): Promise<number> {
  if (!wantsCpuRoute()) return backendThreads;
  const engine = await gemmEngine();
  return engine ? engine.threads : backendThreads;
}

/** For the CLI's report: 'wasm GEMM route, 2 threads' or 'tfjs graph'. */
export async function describeForwardRoute(): Promise<string> {
  const engine = wantsCpuRoute() ? await gemmEngine() : null;
  if (!engine) return 'tfjs graph';
  return `CPU route (wasm GEMM, ${engine.threads} thread${engine.threads === 1 ? '' : 's'})`;
}
