// The data term of multinomial logistic regression on the host, in float64: Σᵢ CE(zᵢ, yᵢ) and its gradient
// with respect to the logits, softmax(z) − onehot(y). The probe solver computes the logits on the device
// (one matMul per search direction) and this, the cheap n × K part, here, where float64 keeps differences of
// f along a line search exact enough for the Moré–Thuente conditions even when f is 10⁴ and a step lowers
// it by 10⁻⁶. One pass per row (the row stays in L1): this runs once per line-search trial on n × K values.

import { exp, log, log1p } from '../math/fdlibm.ts';

/** Residuals below this in magnitude are set to 0 (subnormal in float32; see below for why). */
export const FLOAT32_MIN_NORMAL = 2 ** -126;

export interface LineTrial {
  /** Σᵢ CE(zᵢ, yᵢ). */
  ce: number;
  /** d/dstp of Σ CE(base + stp·dir) = Σ residual · dir (0 without a direction). */
  slope: number;
}

/**
 * CE of one row from its label's logit z_y, its max, S = Σ e_j and Σ_{j≠y} e_j (e_j = exp(z_j − max)): the
 * log1p form when y is the arg-max (see below). Shared with the rows run on the GEMM's threads
 * (engine/probes/line-rows.ts), so both take the same operations.
 */
export function rowCrossEntropy(zy: number, max: number, sum: number, others: number): number {
  return zy >= max ? log1p(others) : max - zy + log(sum);
}

/**
 * At z = base + stp·dir (dir null: z = base), writes z into `z` (may be `base`), softmax(zᵢ) − onehot(yᵢ)
 * into `residual` as float32 with subnormals set to 0, and returns Σ CE and its slope along dir.
 * When yᵢ is the arg-max, CE = log1p(Σ_{j≠y} e_j) and p_y − 1 = −Σ_{j≠y} e_j / S (e_j = exp(z_j − max z)),
 * which keep their relative precision when the fit is confident (CE ≈ 1e-12), where lse − z_y would not.
 * Subnormals are flushed because x86 multiplies them through a microcode assist: with ~8% of a residual
 * matrix subnormal (rows predicted at e^−90), the gradient matMul on wasm took 56 ms instead of 40.
 */
export function softmaxCrossEntropyAlong(
  base: Float64Array,
  dir: Float64Array | null,
  stp: number,
  labels: Int32Array,
  k: number,
  z: Float64Array,
  residual: Float32Array,
): LineTrial {
  const n = labels.length;
  const size = n * k;
  if (base.length < size || z.length < size || residual.length < size || (dir && dir.length < size))
    throw new RangeError('logits/residual shorter than n × k');
  const e = new Float64Array(k);
  let ce = 0;
  let slope = 0;
  for (let i = 0; i < n; i++) {
    const row = i * k;
    const y = labels[i];
    let max = Number.NEGATIVE_INFINITY;
    for (let c = row; c < row + k; c++) {
      const v = dir ? base[c] + stp * dir[c] : base[c];
      z[c] = v;
      if (v > max) max = v;
    }
    let sum = 0;
    let others = 0;
    for (let c = 0; c < k; c++) {
      e[c] = exp(z[row + c] - max);
      sum += e[c];
      if (c !== y) others += e[c];
    }
    ce += rowCrossEntropy(z[row + y], max, sum, others);
    e[y] = -others; // residual_y · sum
    for (let c = 0; c < k; c++) {
      const r = e[c] / sum;
      if (dir) slope += r * dir[row + c];
      residual[row + c] = r > -FLOAT32_MIN_NORMAL && r < FLOAT32_MIN_NORMAL ? 0 : r;
    }
  }
  return { ce, slope };
}

/** A float32 copy with subnormals set to 0 (see above for why), for uploads to the device. */
export function toFloat32FlushingSubnormals(a: Float64Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    out[i] = v > -FLOAT32_MIN_NORMAL && v < FLOAT32_MIN_NORMAL ? 0 : v;
  }
  return out;
}

/** Σᵢ CE(zᵢ, yᵢ), with softmax(zᵢ) − onehot(yᵢ) written into `residual` (n × k row-major, float32). */
export function softmaxCrossEntropy(
  z: Float64Array,
  labels: Int32Array,
  k: number,
  residual: Float32Array,
): number {
  return softmaxCrossEntropyAlong(z, null, 0, labels, k, z, residual).ce;
}
