// The logistic-regression objective as the L-BFGS solver drives it (a LineObjective): logits kept along each
// search line, trial values and slopes on the host in float64, the gradient matMul only where a search ends.
// Per iteration: one forward matMul (X·d) and one gradient matMul (Xᵀ·residual), however many trials.

import { softmaxCrossEntropy, softmaxCrossEntropyAlong } from '../../core/metrics/softmax-cross-entropy.ts';
import type { LineObjective } from './lbfgs.ts';

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

  constructor(
    private readonly problem: LogitsDevice,
    private readonly C: number,
    private readonly warm?: BasePoint,
  ) {
    this.base = new Float64Array(problem.n * problem.k);
    this.trial = new Float64Array(problem.n * problem.k);
    this.residual = new Float32Array(problem.n * problem.k);
  }

  /** The solver's current point with its logits and data gradient (valid once the solver has returned). */
  basePoint(w: Float64Array): BasePoint {
    return { w, z: this.base, dataGrad: this.baseDataGrad };
  }

  async evaluate(x: Float64Array, grad: Float64Array): Promise<number> {
    const warm = this.warm && sameValues(this.warm.w, x) ? this.warm : undefined;
    this.base = warm ? warm.z.slice() : await this.problem.logits(x);
    const ce = softmaxCrossEntropy(this.base, this.problem.labels, this.problem.k, this.residual);
    this.baseDataGrad = warm ? warm.dataGrad : await this.problem.dataGradient(this.residual);
    return ce + this.penalty(x, this.baseDataGrad, grad);
  }

  async beginLine(d: Float64Array): Promise<void> {
    this.dir = await this.problem.logits(d);
    this.d = d;
  }

  async lineValue(stp: number, x: Float64Array): Promise<{ f: number; slope: number }> {
    const { labels, k } = this.problem;
    const { ce, slope } = softmaxCrossEntropyAlong(
      this.base,
      this.dir,
      stp,
      labels,
      k,
      this.trial,
      this.residual,
    );
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
