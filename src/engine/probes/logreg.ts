// Multinomial logistic regression fitted by L-BFGS. The objective is scikit-learn's (0.22, lbfgs solver):
// Σᵢ CE(xᵢ, yᵢ) + ‖W‖² / (2C), a SUM over samples, intercept not penalised. (It is the protocol's
// ½‖W‖² + C·Σ CE divided by C: same minimiser, and the scale the solver's tolerances refer to.)
//
// Work split: the two n × (d+1) × K matMuls run on the active tfjs backend, with the features resident on
// the device for the whole life of a problem; the n × K softmax/cross-entropy, the L-BFGS state and the
// penalty run on the host in float64. The solver is given a LineObjective: the logits along a search
// direction are z(stp) = X·w + stp·X·d, so each iteration costs one forward matMul (X·d) and each evaluation
// one gradient matMul (Xᵀ·residual), and f along the line is exact to float64 given those two vectors.
//
// Parameter layout: a flat Float64Array of (d + 1) × K, row-major; row d is the intercept. Device matrices are
// kept un-transposed in both directions because transposed matMul is ~20× slower on tfjs-wasm.

import * as tf from '@tensorflow/tfjs-core';
import { softmaxCrossEntropy } from '../../core/metrics/softmax-cross-entropy.ts';
import type { CancelToken } from '../../core/types.ts';
import { type LbfgsResult, type LbfgsStop, type LineObjective, lbfgs } from './lbfgs.ts';

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
  private labels: Int32Array;

  constructor(data: LabelledFeatures, nClasses: number) {
    this.n = data.n;
    this.d = data.d;
    this.k = nClasses;
    this.labels = this.checkedLabels(data.y);
    const xa = withOnes(data.X, data.n, data.d);
    this.xa = tf.tensor2d(xa, [data.n, data.d + 1]);
    // Transposed on the host: tf.transpose is slow on wasm and this runs once per problem.
    this.xaT = tf.tensor2d(transposed(xa, data.n, data.d + 1), [data.d + 1, data.n]);
  }

  private checkedLabels(y: Int32Array): Int32Array {
    if (y.length !== this.n) throw new Error(`${y.length} labels for ${this.n} rows`);
    validateLabels(y, this.k);
    return Int32Array.from(y);
  }

  /** New labels for the same features (one-vs-rest fits reuse the uploaded features). */
  setLabels(y: Int32Array): void {
    this.labels = this.checkedLabels(y);
  }

  get size(): number {
    return (this.d + 1) * this.k;
  }

  /** [X | 1]·W on the device, as float64 (n × K). W may be a point or a search direction. */
  async logits(w: Float64Array): Promise<Float64Array> {
    const z = tf.tidy(() => tf.matMul(this.xa, tf.tensor2d(Float32Array.from(w), [this.d + 1, this.k])));
    try {
      return Float64Array.from((await z.data()) as Float32Array);
    } finally {
      z.dispose();
    }
  }

  /**
   * f = Σ CE(z) + ‖W‖²/(2C) and its gradient [X | 1]ᵀ·(softmax(z) − Y) + W/C (intercept unpenalised), for
   * logits z that are [X | 1]·w. Only the gradient matMul runs on the device.
   */
  async valueAt(z: Float64Array, w: Float64Array, C: number, grad: Float64Array): Promise<number> {
    const residual = new Float32Array(this.n * this.k);
    const ce = softmaxCrossEntropy(z, this.labels, this.k, residual);
    const gradT = tf.tidy(() => tf.matMul(this.xaT, tf.tensor2d(residual, [this.n, this.k])));
    let g32: Float32Array;
    try {
      g32 = (await gradT.data()) as Float32Array;
    } finally {
      gradT.dispose();
    }
    const penalised = this.d * this.k; // rows 0..d-1; the intercept row is not penalised
    let sq = 0;
    for (let j = 0; j < penalised; j++) {
      sq += w[j] * w[j];
      grad[j] = g32[j] + w[j] / C;
    }
    for (let j = penalised; j < this.size; j++) grad[j] = g32[j];
    return ce + sq / (2 * C);
  }

  /** f(w) and its gradient from scratch (two matMuls). */
  async evaluate(w: Float64Array, C: number, grad: Float64Array): Promise<number> {
    return this.valueAt(await this.logits(w), w, C, grad);
  }

  /** The objective at C as the solver sees it: logits kept along each search line. */
  objective(C: number): LineObjective {
    let base: Float64Array = new Float64Array(0);
    let direction: Float64Array = new Float64Array(0);
    const along = (stp: number): Float64Array => {
      const z = new Float64Array(base.length);
      for (let i = 0; i < z.length; i++) z[i] = base[i] + stp * direction[i];
      return z;
    };
    return {
      evaluate: async (w, grad) => {
        base = await this.logits(w);
        return this.valueAt(base, w, C, grad);
      },
      beginLine: async (d) => {
        direction = await this.logits(d);
      },
      evaluateOnLine: (stp, w, grad) => this.valueAt(along(stp), w, C, grad),
      acceptLine: (stp) => {
        base = along(stp);
      },
    };
  }

  async fit(C: number, opts: FitOptions): Promise<LogRegFit> {
    const x0 = opts.init ? Float64Array.from(opts.init) : new Float64Array(this.size);
    if (x0.length !== this.size) throw new Error(`warm start has ${x0.length} values, expected ${this.size}`);
    const result: LbfgsResult = await lbfgs(this.objective(C), x0, {
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
