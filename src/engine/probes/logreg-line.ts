// The logistic-regression objective as the L-BFGS solver drives it (a LineObjective): logits kept along each
// search line, trial values and slopes on the host in float64, the gradient matMul only where a search ends.
// Per iteration: one forward matMul (X·d) and one gradient matMul (Xᵀ·residual), however many trials.

import { type LineTrial, softmaxCrossEntropyAlong } from '../../core/metrics/softmax-cross-entropy.ts';
import type { LineObjective } from './lbfgs.ts';
import type { LineRows } from './line-rows.ts';

/** What the line needs of a problem: its labels and its two device matMuls. */
export interface LogitsDevice {
  readonly n: number;
  readonly k: number;
  /** (d + 1) × K parameters; the first `penalised` (the weights, not the intercept row) carry the L2 term. */
  readonly size: number;
  readonly penalised: number;
  readonly labels: Int32Array;
  /** [X | 1]·w (n × K) in float64. */
  logits(w: Float64Array): Promise<Float64Array>;
  /** [X | 1]ᵀ·residual ((d + 1) × K), the gradient of Σ CE. */
  dataGradient(residual: Float32Array): Promise<Float32Array>;
}

/** A point the solver ended at, kept so that the next fit's warm start costs no matMul. */
export interface BasePoint {
  w: Float64Array;
  z: Float64Array;
  dataGrad: Float32Array;
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class LogRegLine implements LineObjective {
  private base: Float64Array;
  private baseDataGrad: Float32Array = new Float32Array(0);
  private trial: Float64Array;
  private dir: Float64Array = new Float64Array(0);
  private d: Float64Array = new Float64Array(0);
  private readonly residual: Float32Array;
  private trialStp = Number.NaN;

  /**
   * `rows`, where given, holds the line's buffers and runs each trial's n × K work on the GEMM's threads
   * (line-rows.ts, the same bits); without it the trial runs here in JavaScript.
   */
  constructor(
    private readonly problem: LogitsDevice,
    private readonly C: number,
    private readonly warm?: BasePoint,
    private readonly rows: LineRows | null = null,
  ) {
    const size = problem.n * problem.k;
    this.base = rows ? rows.z[0] : new Float64Array(size);
    this.trial = rows ? rows.z[1] : new Float64Array(size);
    this.residual = rows ? rows.residual : new Float32Array(size);
  }

  /** The solver's current point with its logits and data gradient (valid once the solver has returned). */
  basePoint(w: Float64Array): BasePoint {
    // The rows' buffers serve the problem's next line too: keep a copy of the logits.
    return { w, z: this.rows ? this.base.slice() : this.base, dataGrad: this.baseDataGrad };
  }

  /** Σ CE and its slope at z = base + stp·dir (dir null: z = base), the residual left in this.residual. */
  private trialAt(dir: Float64Array | null, stp: number, z: Float64Array): Promise<LineTrial> | LineTrial {
    if (this.rows) return this.rows.along(this.base, dir, stp, z);
    const { labels, k } = this.problem;
    return softmaxCrossEntropyAlong(this.base, dir, stp, labels, k, z, this.residual);
  }

  async evaluate(x: Float64Array, grad: Float64Array): Promise<number> {
    const warm = this.warm && sameValues(this.warm.w, x) ? this.warm : undefined;
    const z = warm ? warm.z : await this.problem.logits(x);
    if (this.rows || warm) this.base.set(z);
    else this.base = z;
    const { ce } = await this.trialAt(null, 0, this.base);
    this.baseDataGrad = warm ? warm.dataGrad : await this.problem.dataGradient(this.residual);
    return ce + this.penalty(x, this.baseDataGrad, grad);
  }

  async beginLine(d: Float64Array): Promise<void> {
    const dir = await this.problem.logits(d);
    if (this.rows) this.rows.dir.set(dir);
    this.dir = this.rows ? this.rows.dir : dir;
    this.d = d;
  }

  async lineValue(stp: number, x: Float64Array): Promise<{ f: number; slope: number }> {
    const { ce, slope } = await this.trialAt(this.dir, stp, this.trial);
    let sq = 0;
    let xd = 0;
    for (let j = 0; j < this.problem.penalised; j++) {
      sq += x[j] * x[j];
      xd += x[j] * this.d[j];
    }
    this.trialStp = stp;
    return { f: ce + sq / (2 * this.C), slope: slope + xd / this.C };
  }

  async acceptLine(stp: number, x: Float64Array, grad: Float64Array): Promise<void> {
    if (stp !== this.trialStp) await this.lineValue(stp, x);
    const dataGrad = await this.problem.dataGradient(this.residual);
    this.penalty(x, dataGrad, grad);
    [this.base, this.trial] = [this.trial, this.base];
    this.baseDataGrad = dataGrad;
  }

  /** grad = data gradient + w/C on the penalised rows; returns ‖W‖²/(2C). */
  private penalty(x: Float64Array, dataGrad: Float32Array, grad: Float64Array): number {
    const { penalised, size } = this.problem;
    let sq = 0;
    for (let j = 0; j < penalised; j++) {
      sq += x[j] * x[j];
      grad[j] = dataGrad[j] + x[j] / this.C;
    }
    for (let j = penalised; j < size; j++) grad[j] = dataGrad[j];
    return sq / (2 * this.C);
  }
}
