// Which route a backbone's forward pass takes. On CPU backends (wasm, cpu) the CPU inference route: the lab's
// WebAssembly SIMD GEMM (src/engine/gemm) behind every convolution and linear layer, on all cores in the
// browser and in Node alike, so the CLI and the browser compute the same bits (docs/determinism.md). On GPU
// backends (webgpu, webgl) the tfjs graph. Where the GEMM cannot start (no SIMD) or a network does not fit it,
// the tfjs graph too, and the console says why.

import * as tf from '@tensorflow/tfjs-core';
import type { GemmEngine } from '../gemm/gemm.ts';
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

/** Model formats the CPU route runs; tfjs graph models (the nsfwjs CNNs) stay on tfjs's kernels. */
const ROUTED_FORMATS = new Set(['lab-resnet', 'lab-vit']);

/**
 * Threads the forward passes of a run's models use: the GEMM engine's on the CPU route, else the tfjs
 * backend's own. A run with any tfjs graph model counts the backend's (fewer, in Node), so the decode pool
 * keeps the idle core busy while that model runs. For sizing the decode pool.
 */
export async function forwardThreads(backendThreads: number, formats: readonly string[]): Promise<number> {
  if (!wantsCpuRoute() || formats.some((f) => !ROUTED_FORMATS.has(f))) return backendThreads;
  const engine = await gemmEngine();
  return engine ? engine.threads : backendThreads;
}

/** For the CLI's report: 'wasm GEMM route, 2 threads' or 'tfjs graph'. */
export async function describeForwardRoute(): Promise<string> {
  const engine = wantsCpuRoute() ? await gemmEngine() : null;
  if (!engine) return 'tfjs graph';
  return `CPU route (wasm GEMM, ${engine.threads} thread${engine.threads === 1 ? '' : 's'})`;
}

/**
 * `build(engine)` on the CPU route, or null where tfjs should run the network instead: the GEMM engine cannot
 * start here, or the network does not fit the route (RangeError; the console says why). A forced 'wasm-gemm'
 * route fails in both cases instead.
 */
export async function buildOnCpuRoute<T>(
  modelId: string,
  build: (engine: GemmEngine) => Promise<T>,
): Promise<T | null> {
  const engine = await gemmEngine();
  const forced = route === 'wasm-gemm';
  if (!engine) {
    if (forced) throw new Error('the wasm GEMM is unavailable here (see the console)');
    return null;
  }
  try {
    return await build(engine);
  } catch (e) {
    if (forced || !(e instanceof RangeError)) throw e;
    console.warn(`${modelId}: the CPU route cannot hold this network, tfjs runs it: ${e.message}`);
    return null;
  }
}
