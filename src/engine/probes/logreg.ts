// Multinomial logistic regression fitted by L-BFGS, with the loss and gradient computed by tfjs on the active
// backend. The objective is scikit-learn's (0.22, lbfgs solver): Σᵢ CE(xᵢ, yᵢ) + ‖W‖² / (2C), a SUM over
// samples, intercept not penalised. (It is the protocol's ½‖W‖² + C·Σ CE divided by C: same minimiser, and
// the scale the solver's tolerances refer to.) Features live on the device for the whole life of a problem;
// the host keeps the L-BFGS state in float64 and sums per-sample losses in float64.
//
// Parameter layout: a flat Float64Array of (d + 1) × K, row-major; row d is the intercept. Device matrices are
// kept un-transposed in both directions because transposed matMul is ~20× slower on tfjs-wasm.

import * as tf from '@tensorflow/tfjs-core';
import type { CancelToken } from '../../core/types.ts';
import { type LbfgsResult, type LbfgsStop, lbfgs } from './lbfgs.ts';

export interface LabelledFeatures {
  X: Float32Array;
  y: Int32Array;
  n: number;
  d: number;
}

export interface FitOptions {
  maxIter: number;
  tol: number;
  /** Relative-reduction stop (scipy's ftol); scipy's default 2.2e-9 when absent, 0 disables it. */
  ftol?: number;
  /** Warm start (same layout); zeros when absent. */
  init?: Float64Array;
  cancel?: CancelToken;
  onIteration?: (iteration: number, f: number) => void;
}

export interface LogRegFit {
  C: number;
  /** (d + 1) × K row-major, intercept last. */
  weights: Float64Array;
  objective: number;
  iterations: number;
  evaluations: number;
  stop: LbfgsStop;
  gradMax: number;
}

/** [X | 1] as float32, row-major n × (d + 1). */
function withOnes(X: Float32Array, n: number, d: number): Float32Array {
  const out = new Float32Array(n * (d + 1));
  for (let i = 0; i < n; i++) {
    out.set(X.subarray(i * d, (i + 1) * d), i * (d + 1));
    out[i * (d + 1) + d] = 1;
  }
  return out;
}

function transposed(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}

function validateLabels(y: Int32Array, nClasses: number): void {
  for (let i = 0; i < y.length; i++) {
    if (y[i] < 0 || y[i] >= nClasses)
      throw new RangeError(`label ${y[i]} at row ${i} is outside [0, ${nClasses})`);
  }
}

export class LogRegProblem {
  readonly n: number;
  readonly d: number;
  readonly k: number;
  private readonly xa: tf.Tensor2D;
  private readonly xaT: tf.Tensor2D;
  private onehot: tf.Tensor2D;
  private notOnehot: tf.Tensor2D;

  constructor(data: LabelledFeatures, nClasses: number) {
    this.n = data.n;
    this.d = data.d;
    this.k = nClasses;
    const xa = withOnes(data.X, data.n, data.d);
    this.xa = tf.tensor2d(xa, [data.n, data.d + 1]);
    // Transposed on the host: tf.transpose is slow on wasm and this runs once per problem.
    this.xaT = tf.tensor2d(transposed(xa, data.n, data.d + 1), [data.d + 1, data.n]);
    [this.onehot, this.notOnehot] = this.labelTensors(data.y);
  }

  private labelTensors(y: Int32Array): [tf.Tensor2D, tf.Tensor2D] {
    if (y.length !== this.n) throw new Error(`${y.length} labels for ${this.n} rows`);
    validateLabels(y, this.k);
    return tf.tidy(() => {
      const onehot = tf.cast(tf.oneHot(tf.tensor1d(y, 'int32'), this.k), 'float32') as tf.Tensor2D;
      return [onehot, tf.sub(1, onehot) as tf.Tensor2D];
    });
  }

  /** New labels for the same features (one-vs-rest fits reuse the uploaded features). */
  setLabels(y: Int32Array): void {
    const [onehot, notOnehot] = this.labelTensors(y);
    this.onehot.dispose();
    this.notOnehot.dispose();
    this.onehot = onehot;
    this.notOnehot = notOnehot;
  }

  get size(): number {
    return (this.d + 1) * this.k;
  }

  /**
   * Data term on the device: per-sample cross-entropies (n) and Σ CE's gradient ((d+1) × K), both downloaded.
   * Written to stay accurate in float32 when the fit is confident (CE ≈ 1e-7, common on separable features):
   * CE = log1p(Σ_{j≠y} e_j) when y is the arg-max (e_j = exp(z_j − max z)), and p_y − 1 = −Σ_{j≠y} e_j / S,
   * instead of differences of nearly equal numbers (lse − z_y, p_y − 1) that float32 would round to 0.
   */
  private async dataTerm(w: Float64Array): Promise<{ ce: Float32Array; grad: Float32Array }> {
    const [ceT, gradT] = tf.tidy(() => {
      const W = tf.tensor2d(Float32Array.from(w), [this.d + 1, this.k]);
      const z = tf.matMul(this.xa, W);
      const m = tf.max(z, 1, true);
      const e = tf.exp(tf.sub(z, m));
      const s = tf.sum(e, 1, true);
      const others = tf.sum(tf.mul(e, this.notOnehot), 1, true);
      const zy = tf.sum(tf.mul(z, this.onehot), 1, true);
      const ce = tf.where(tf.greaterEqual(zy, m), tf.log1p(others), tf.add(tf.sub(m, zy), tf.log(s)));
      const pOthers = tf.mul(tf.div(e, s), this.notOnehot);
      const diff = tf.sub(pOthers, tf.mul(this.onehot, tf.div(others, s)));
      return [ce, tf.matMul(this.xaT, diff)];
    });
    try {
      const [ce, grad] = await Promise.all([
        ceT.data() as Promise<Float32Array>,
        gradT.data() as Promise<Float32Array>,
      ]);
      return { ce, grad };
    } finally {
      ceT.dispose();
      gradT.dispose();
    }
  }

  /** f(w) = Σ CE + ‖W‖²/(2C) and its gradient, in float64 on the host except the two matMuls. */
  async evaluate(w: Float64Array, C: number, grad: Float64Array): Promise<number> {
    const { ce, grad: g32 } = await this.dataTerm(w);
    let f = 0;
    for (let i = 0; i < ce.length; i++) f += ce[i];
    const penalised = this.d * this.k; // rows 0..d-1; the intercept row is not penalised
    let sq = 0;
    for (let j = 0; j < penalised; j++) {
      sq += w[j] * w[j];
      grad[j] = g32[j] + w[j] / C;
    }
    for (let j = penalised; j < this.size; j++) grad[j] = g32[j];
    return f + sq / (2 * C);
  }

  async fit(C: number, opts: FitOptions): Promise<LogRegFit> {
    const x0 = opts.init ? Float64Array.from(opts.init) : new Float64Array(this.size);
    if (x0.length !== this.size) throw new Error(`warm start has ${x0.length} values, expected ${this.size}`);
    const result: LbfgsResult = await lbfgs((w, g) => this.evaluate(w, C, g), x0, {
      maxIter: opts.maxIter,
      pgtol: opts.tol,
      ftol: opts.ftol,
      cancel: opts.cancel,
      onIteration: opts.onIteration,
    });
    let gradMax = 0;
    for (let i = 0; i < result.grad.length; i++) gradMax = Math.max(gradMax, Math.abs(result.grad[i]));
    return {
      C,
      weights: result.x,
      objective: result.f,
      iterations: result.iterations,
      evaluations: result.evaluations,
      stop: result.stop,
      gradMax,
    };
  }

  dispose(): void {
    this.xa.dispose();
    this.xaT.dispose();
    this.onehot.dispose();
    this.notOnehot.dispose();
  }
}

/** Logits X·W + b on the device (n × K, float32). */
export async function predictLogits(
  weights: Float64Array,
  X: Float32Array,
  n: number,
  d: number,
  k: number,
): Promise<Float32Array> {
  if (n === 0) return new Float32Array(0);
  const out = tf.tidy(() => {
    const W = tf.tensor2d(Float32Array.from(weights), [d + 1, k]);
    const xa = tf.tensor2d(withOnes(X, n, d), [n, d + 1]);
    return tf.matMul(xa, W);
  });
  try {
    return (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
}

/** Weights in scikit-learn's layout: coef_ (K × d) and intercept_ (K). */
export function toSklearnLayout(
  weights: Float64Array,
  d: number,
  k: number,
): { coef: Float64Array; intercept: Float64Array } {
  const coef = new Float64Array(k * d);
  const intercept = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) coef[c * d + j] = weights[j * k + c];
    intercept[c] = weights[d * k + c];
  }
  return { coef, intercept };
}
