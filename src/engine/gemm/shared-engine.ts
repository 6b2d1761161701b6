// The one GEMM engine of the process: its helper threads start once and serve the probe products
// (src/engine/probes/device-matrix.ts) and the CPU inference route (src/engine/cpu-route) alike.

import { GemmEngine, type GemmOptions } from './gemm.ts';

let engine: Promise<GemmEngine | null> | null = null;
let options: GemmOptions = {};

/** For benchmarks: the options the shared engine starts with (before anything has asked for it). */
export function setSharedGemmOptions(opts: GemmOptions): void {
  if (engine) throw new Error('the shared GEMM engine has started already');
  options = opts;
}

/**
 * The shared engine, or null without WebAssembly SIMD or when it cannot start here (callers then stay on
 * tfjs, and the console says why).
 */
export function gemmEngine(): Promise<GemmEngine | null> {
  engine ??= GemmEngine.create(options).catch((e: unknown) => {
    console.warn(`wasm GEMM unavailable, products stay on tfjs: ${e instanceof Error ? e.message : e}`);
    return null;
  });
  return engine;
}
