// A fixed feature matrix that the probes multiply by thin matrices many times (X·W, Xᵀ·R), kept on whichever
// device does that fastest here. On GPU backends (webgpu, webgl) that is tfjs. On CPU backends (wasm, cpu) it
// is the lab's own WebAssembly SIMD GEMM (src/engine/gemm): 2–2.5× faster than tfjs-wasm's matMul on these
// shapes, on all cores (docs/probes.md has the measurements). Both give float32 products.

import * as tf from '@tensorflow/tfjs-core';
import { gemmEngine } from '../gemm/shared-engine.ts';

export interface DeviceMatrix {
  readonly rows: number;
  readonly cols: number;
  /** Where the matrix lives, for reports: 'tfjs-<backend>' or 'wasm-gemm (6×8 tiles, mul+add, 2 threads)'. */
  readonly route: string;
  /** A·B for B (cols × k, row-major); returns rows × k, row-major. */
  multiply(b: Float32Array, k: number): Promise<Float32Array>;
  dispose(): void;
}

/** 'auto': the GEMM engine on CPU backends, tfjs on GPU backends. The others force one route (tests, bench). */
export type MatMulRoute = 'auto' | 'tfjs' | 'wasm-gemm';

const CPU_BACKENDS = new Set(['wasm', 'cpu']);
let route: MatMulRoute = 'auto';

export function setMatMulRoute(next: MatMulRoute): void {
  route = next;
}

export { gemmEngine };

function transposed(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}

function tfjsMatrix(src: Float32Array, rows: number, cols: number, isTransposed: boolean): DeviceMatrix {
  // Transposed on the host: tf.transpose is slow on wasm and this runs once per matrix.
  const a = tf.tensor2d(isTransposed ? transposed(src, cols, rows) : src, [rows, cols]);
  return {
    rows,
    cols,
    route: `tfjs-${tf.getBackend()}`,
    async multiply(b, k) {
      const out = tf.tidy(() => tf.matMul(a, tf.tensor2d(b, [cols, k])));
      try {
        return (await out.data()) as Float32Array;
      } finally {
        out.dispose();
      }
    },
    dispose: () => a.dispose(),
  };
}

function wantsGemm(): boolean {
  return route === 'wasm-gemm' || (route === 'auto' && CPU_BACKENDS.has(tf.getBackend()));
}

/**
 * A (rows × cols) on the chosen device, for products with up to `maxK` columns. `src` holds A row-major, or
 * Aᵀ row-major when `isTransposed`. Falls back to tfjs when the GEMM engine is missing or A exceeds its memory.
 */
export async function deviceMatrix(
  src: Float32Array,
  rows: number,
  cols: number,
  maxK: number,
  isTransposed = false,
): Promise<DeviceMatrix> {
  if (wantsGemm()) {
    const gemm = await gemmEngine();
    if (!gemm && route === 'wasm-gemm')
      throw new Error('the wasm GEMM is unavailable here (see the console)');
    try {
      if (gemm) return gemm.matrix(src, rows, cols, maxK, isTransposed);
    } catch (e) {
      if (!(e instanceof RangeError) || route === 'wasm-gemm') throw e;
    }
  }
  return tfjsMatrix(src, rows, cols, isTransposed);
}
