// Multinomial logistic regression fitted by L-BFGS. The objective is scikit-learn's (0.22, lbfgs solver):
// Σᵢ CE(xᵢ, yᵢ) + ‖W‖² / (2C), a SUM over samples, intercept not penalised. (It is the protocol's
// ½‖W‖² + C·Σ CE divided by C: same minimiser, and the scale the solver's tolerances refer to.)
//
// Work split: the two n × (d+1) × K matMuls run on the device (device-matrix.ts: tfjs on GPU backends, the
// lab's WebAssembly SIMD GEMM on CPU backends), with the features resident there for the whole life of a
// problem; the n × K softmax/cross-entropy, the L-BFGS state and the penalty run on the host in float64.
// The solver is given a LineObjective (logreg-line.ts): the logits along a search direction are
// z(stp) = X·w + stp·X·d, so each iteration costs one forward matMul (X·d) and one gradient matMul
// (Xᵀ·residual, where the search ends), and f along the line is exact to float64 given those two vectors.
// docs/probes.md has the measurements behind this split.
//
// Parameter layout: a flat Float64Array of (d + 1) × K, row-major; row d is the intercept. Device matrices are
// kept un-transposed in both directions ([X | 1] and its transpose) because transposed matMul is ~20× slower
// on tfjs-wasm. They are made on first use, when the solver first asks for a product.

import { toFloat32FlushingSubnormals } from '../../core/metrics/softmax-cross-entropy.ts';
import type { CancelToken } from '../../core/types.ts';
import { type DeviceMatrix, deviceMatrix } from './device-matrix.ts';
import { type LbfgsResult, type LbfgsStop, lbfgs } from './lbfgs.ts';
import { LineRows } from './line-rows.ts';
import { type BasePoint, type LogitsDevice, LogRegLine } from './logreg-line.ts';

let lineRowsOn = true;

/**
 * For tests and benchmarks: whether fits on the wasm GEMM run each line-search trial's n × K work on the
 * GEMM's threads (line-rows.ts; default) or in JavaScript on the calling thread. The results are the same bits.
 */
export function setLineRows(on: boolean): void {
  lineRowsOn = on;
}

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

function validateLabels(y: Int32Array, nClasses: number): void {
  for (let i = 0; i < y.length; i++) {
    if (y[i] < 0 || y[i] >= nClasses)
      throw new RangeError(`label ${y[i]} at row ${i} is outside [0, ${nClasses})`);
  }
}

export class LogRegProblem implements LogitsDevice {
  readonly n: number;
  readonly d: number;
  readonly k: number;
  private features: Float32Array | null;
  private matrices: Promise<{ xa: DeviceMatrix; xaT: DeviceMatrix }> | null = null;
  private currentLabels: Int32Array;
  private lastPoint?: BasePoint;
  private rows: Promise<LineRows | null> | null = null;

  constructor(data: LabelledFeatures, nClasses: number) {
    this.n = data.n;
    this.d = data.d;
    this.k = nClasses;
    this.currentLabels = this.checkedLabels(data.y);
    if (data.X.length !== data.n * data.d)
      throw new Error(`${data.X.length} features for ${data.n} × ${data.d}`);
    this.features = data.X;
  }

  /** [X | 1] and its transpose on the device, made once. */
  private device(): Promise<{ xa: DeviceMatrix; xaT: DeviceMatrix }> {
    if (!this.matrices) {
      const X = this.features;
      if (!X) throw new Error('LogRegProblem used after dispose()');
      this.features = null;
      const { n, d, k } = this;
      const xa = withOnes(X, n, d);
      this.matrices = (async () => ({
        xa: await deviceMatrix(xa, n, d + 1, k),
        xaT: await deviceMatrix(xa, d + 1, n, k, true),
      }))();
    }
    return this.matrices;
  }

  /** Where the products run ('wasm-gemm', 'tfjs-webgpu', ...). */
  async route(): Promise<string> {
    return (await this.device()).xa.route;
  }

  private checkedLabels(y: Int32Array): Int32Array {
    if (y.length !== this.n) throw new Error(`${y.length} labels for ${this.n} rows`);
    validateLabels(y, this.k);
    return Int32Array.from(y);
  }

  /** New labels for the same features (one-vs-rest fits reuse the uploaded features). */
  setLabels(y: Int32Array): void {
    this.currentLabels = this.checkedLabels(y);
    this.lastPoint = undefined;
    const labels = this.currentLabels;
    void this.rows?.then((rows) => rows?.setLabels(labels));
  }

  /** The fits' line buffers on the GEMM's threads, where the products run on the wasm GEMM (else null). */
  private lineRows(): Promise<LineRows | null> {
    this.rows ??= (async () => {
      if (!(await this.route()).startsWith('wasm-gemm')) return null;
      try {
        return await LineRows.create(this.n, this.k, this.currentLabels);
      } catch (e) {
        // The trials then run in JavaScript: slower, the same bits.
        console.warn(
          `probe line rows unavailable, trials stay in JavaScript: ${e instanceof Error ? e.message : e}`,
        );
        return null;
      }
    })();
    return this.rows;
  }

  get size(): number {
    return (this.d + 1) * this.k;
  }

  /** Weights rows 0..d−1 carry the L2 penalty; the intercept row d does not. */
  get penalised(): number {
    return this.d * this.k;
  }

  get labels(): Int32Array {
    return this.currentLabels;
  }

  /** [X | 1]·W on the device, as float64 (n × K). W may be a point or a search direction. */
  async logits(w: Float64Array): Promise<Float64Array> {
    const { xa } = await this.device();
    return new Float64Array(await xa.multiply(toFloat32FlushingSubnormals(w), this.k));
  }

  /** [X | 1]ᵀ·residual on the device ((d + 1) × K): the gradient of Σ CE for residual = softmax − onehot. */
  async dataGradient(residual: Float32Array): Promise<Float32Array> {
    const { xaT } = await this.device();
    return xaT.multiply(residual, this.k);
  }

  /** f(w) = Σ CE + ‖W‖²/(2C) and its gradient from scratch (two matMuls). */
  async evaluate(w: Float64Array, C: number, grad: Float64Array): Promise<number> {
    return new LogRegLine(this, C).evaluate(w, grad);
  }

  /**
   * The objective at C as the solver sees it (see logreg-line.ts); its trials run in JavaScript unless it is
   * given the problem's line rows (as `fit` does: one line at a time may use them).
   */
  objective(C: number, warm?: BasePoint, rows: LineRows | null = null): LogRegLine {
    return new LogRegLine(this, C, warm, rows);
  }

  async fit(C: number, opts: FitOptions): Promise<LogRegFit> {
    const x0 = opts.init ? opts.init.slice() : new Float64Array(this.size);
    if (x0.length !== this.size) throw new Error(`warm start has ${x0.length} values, expected ${this.size}`);
    // A warm start at the point the previous fit ended reuses its logits and data gradient (no matMul).
    const rows = lineRowsOn ? await this.lineRows() : null;
    const line = this.objective(C, this.lastPoint, rows);
    this.lastPoint = undefined;
    const result: LbfgsResult = await lbfgs(line, x0, {
      maxIter: opts.maxIter,
      pgtol: opts.tol,
      ftol: opts.ftol,
      cancel: opts.cancel,
      onIteration: opts.onIteration,
    });
    this.lastPoint = line.basePoint(result.x);
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
    this.features = null;
    void this.matrices?.then(({ xa, xaT }) => {
      xa.dispose();
      xaT.dispose();
    });
    void this.rows?.then((rows) => rows?.dispose());
  }
}

/** Features kept on the device for repeated predictions (a sweep scores validation once per C). */
export class FeatureMatrix {
  private features: Float32Array | null;
  private matrix: Promise<DeviceMatrix> | null = null;

  constructor(
    X: Float32Array,
    readonly n: number,
    readonly d: number,
    /** Number of classes (columns of the weights). */
    readonly k: number,
  ) {
    if (X.length !== n * d) throw new Error(`${X.length} features for ${n} × ${d}`);
    this.features = X;
  }

  /** Logits [X | 1]·W (n × K, float32) for weights in the (d + 1) × K layout. */
  async logits(weights: Float64Array): Promise<Float32Array> {
    if (this.n === 0) return new Float32Array(0);
    if (!this.matrix) {
      if (!this.features) throw new Error('FeatureMatrix used after dispose()');
      this.matrix = deviceMatrix(withOnes(this.features, this.n, this.d), this.n, this.d + 1, this.k);
      this.features = null;
    }
    const xa = await this.matrix;
    return xa.multiply(toFloat32FlushingSubnormals(weights), this.k);
  }

  dispose(): void {
    this.features = null;
    void this.matrix?.then((m) => m.dispose());
  }
}

/** Logits X·W + b on the device (n × K, float32), for a one-off prediction. */
export async function predictLogits(
  weights: Float64Array,
  X: Float32Array,
  n: number,
  d: number,
  k: number,
): Promise<Float32Array> {
  const features = new FeatureMatrix(X, n, d, k);
  try {
    return await features.logits(weights);
  } finally {
    features.dispose();
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
