// What this worker runs on, detected once when the worker loads (transformers.js's env.js idea): later code
// reads these values instead of probing globals again.

export interface WorkerEnvironment {
  /**
   * Cores of the machine. Read at load, before the wasm backend raises navigator.hardwareConcurrency to lift
   * tfjs's thread cap, so it is the real count.
   */
  cores: number;
  /** SharedArrayBuffer available (the page is cross-origin isolated): wasm threads and GEMM helpers work. */
  crossOriginIsolated: boolean;
}

export const ENVIRONMENT: WorkerEnvironment = Object.freeze({
  cores: globalThis.navigator?.hardwareConcurrency ?? 1,
  crossOriginIsolated: globalThis.crossOriginIsolated === true,
});

/**
 * Decode workers pay off only when a core is free for them: with inference on a GPU, or with 4+ cores. On a
 * 2-core machine running wasm inference they would take CPU from the model (bench/pixels/RESULTS.md).
 */
export function wantsPixelPool(backendName: string, env: WorkerEnvironment = ENVIRONMENT): boolean {
  return backendName === 'webgpu' || backendName === 'webgl' || env.cores >= 4;
}
