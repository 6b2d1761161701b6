// The ViT's element-wise and row-wise steps on the CPU route: LayerNorm, softmax and the MLP's activation, as
// plain loops in float64 rounded once to float32 on store. Only +, −, ×, ÷, Math.sqrt (correctly rounded by
// IEEE 754) and the fdlibm ports, so the same code gives the same bits in every JavaScript engine
// (docs/determinism.md): Math.exp and tfjs's erf differ between Node and Chromium.

import { erf, exp } from '../../core/math/fdlibm.ts';

/**
 * dst row r = (src row r − mean) / √(var + eps) · gamma + beta over `width` channels, for `rows` rows given by
 * their starts (in floats) in src and dst. Mean and variance in float64, in channel order.
 */
export function layerNormRows(
  src: Float32Array,
  dst: Float32Array,
  rows: readonly { from: number; to: number }[],
  width: number,
  gamma: Float32Array,
  beta: Float32Array,
  eps: number,
): void {
  for (const { from, to } of rows) {
    let sum = 0;
    for (let c = 0; c < width; c++) sum += src[from + c];
    const mean = sum / width;
    let squares = 0;
    for (let c = 0; c < width; c++) {
      const d = src[from + c] - mean;
      squares += d * d;
    }
    const inv = 1 / Math.sqrt(squares / width + eps);
    for (let c = 0; c < width; c++) dst[to + c] = (src[from + c] - mean) * inv * gamma[c] + beta[c];
  }
}

/** `count` rows starting at 0, `stride` floats apart, read and written in place. */
export function contiguousRows(count: number, stride: number): { from: number; to: number }[] {
  return Array.from({ length: count }, (_, r) => ({ from: r * stride, to: r * stride }));
}

/**
 * Softmax of the first `width` entries of each of `rows` rows (`stride` floats apart), in place; entries from
 * `width` to `stride` are set to 0 (they are the padding keys the P·V product must not weigh).
 */
export function softmaxRows(x: Float32Array, rows: number, width: number, stride: number): void {
  for (let r = 0; r < rows; r++) {
    const at = r * stride;
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < width; c++) if (x[at + c] > max) max = x[at + c];
    let sum = 0;
    for (let c = 0; c < width; c++) {
      const e = exp(x[at + c] - max);
      x[at + c] = e;
      sum += e;
    }
    // Divide the float32-rounded exponentials by the float64 sum: one rounding per weight.
    for (let c = 0; c < width; c++) x[at + c] = x[at + c] / sum;
    x.fill(0, at + width, at + stride);
  }
}

/** PyTorch's exact GELU x·½·(1 + erf(x/√2)), in place over the first `count` values. */
export function geluInPlace(x: Float32Array, count: number): void {
  for (let i = 0; i < count; i++) {
    const v = x[i];
    x[i] = v * 0.5 * (1 + erf(v * Math.SQRT1_2));
  }
}

/** CLIP's QuickGELU x·σ(1.702x), in place over the first `count` values. */
export function quickGeluInPlace(x: Float32Array, count: number): void {
  for (let i = 0; i < count; i++) {
    const v = x[i];
    x[i] = v / (1 + exp(-1.702 * v));
  }
}
