// L-BFGS for unconstrained problems, following scipy's L-BFGS-B 3.0 (the solver scikit-learn 0.22 used) step for
// step: memory 10, Moré–Thuente line search (ftol 1e-3, gtol 0.9, xtol 0.1), first step 1/‖g‖, restart from
// steepest descent when a line search fails, and scipy's three stops: max|g| ≤ pgtol, relative reduction of f
// ≤ ftol (2.2e-9 by default), and the iteration limit (checked before the other two, as scipy's driver does).

import { CancelledError, type CancelToken } from '../../core/types.ts';
import { MoreThuente } from './dcsrch.ts';

/** Writes ∇f(x) into `grad` and resolves to f(x). Async because device work (tfjs) ends in a download. */
export type ObjectiveFn = (x: Float64Array, grad: Float64Array) => Promise<number>;

/**
 * An objective that exploits the line search. Every trial point is base + stp·d, and the Moré–Thuente search
 * needs only f and the slope g·d there; the full gradient is needed only where the search ends. For logistic
 * regression that means one device matMul per iteration for the logits along d (z = X·base + stp·X·d), the
 * trial values and slopes on the host in float64, and one gradient matMul at the accepted point: two matMuls
 * per iteration however many trials the search takes, and f along the line exact to float64 given X·base and
 * X·d (float32 rounding of X·x made the search fail near the optimum).
 */
export interface LineObjective {
  /** f(x) and ∇f(x) from scratch; x becomes the base point. */
  evaluate(x: Float64Array, grad: Float64Array): Promise<number>;
  /** The next trials are along base + stp·d. */
  beginLine(d: Float64Array): Promise<void>;
  /** f and its slope ∇f·d at base + stp·d; `x` is that point as the solver forms it. */
  lineValue(stp: number, x: Float64Array): Promise<{ f: number; slope: number }>;
  /** The search ended at base + stp·d, the last trial: write ∇f there into `grad`; it becomes the base. */
  acceptLine(stp: number, x: Float64Array, grad: Float64Array): Promise<void>;
}

/** A plain f/∇f function as a LineObjective: every trial computes the full gradient and keeps it. */
function asLineObjective(fg: ObjectiveFn | LineObjective): LineObjective {
  if (typeof fg !== 'function') return fg;
  let direction: Float64Array = new Float64Array(0);
  let trialGrad: Float64Array = new Float64Array(0);
  return {
    evaluate: fg,
    beginLine: async (d) => {
      direction = d;
    },
    lineValue: async (_stp, x) => {
      trialGrad = new Float64Array(x.length);
      const f = await fg(x, trialGrad);
      return { f, slope: dot(trialGrad, direction) };
    },
    acceptLine: async (_stp, _x, grad) => {
      grad.set(trialGrad);
    },
  };
}

export interface LbfgsOptions {
  maxIter: number;
  /** Stop when max_i |g_i| ≤ pgtol (scipy's `gtol`). */
  pgtol: number;
  /** Stop when (f_old − f)/max(|f_old|, |f|, 1) ≤ ftol; scipy's default is factr·eps = 2.22e-9. */
  ftol?: number;
  /** History size (scipy's maxcor). */
  m?: number;
  /** Max function evaluations per line search (scipy's maxls). */
  maxls?: number;
  /** Max function evaluations in all (scipy's maxfun). */
  maxfun?: number;
  cancel?: CancelToken;
  onIteration?: (iteration: number, f: number) => void;
}

export type LbfgsStop = 'pgtol' | 'ftol' | 'maxiter' | 'maxfun' | 'linesearch';

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  grad: Float64Array;
  iterations: number;
  evaluations: number;
  stop: LbfgsStop;
}

export const SCIPY_DEFAULT_FTOL = 2.220446049250313e-9;
const EPSMCH = 2.220446049250313e-16;
const BIG_STEP = 1e10;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/**
 * q ← (q + coef·v)·scale, then next·q (0 without `next`), in one pass over q: fusing each update of the two-loop
 * recursion with the next pair's dot halves its passes over q (each about 0.4 ms at 204,900 values, bound by
 * the dot's chain of dependent adds more than by memory). scale is 1, γ or −1 and the dot sums in index
 * order, so every value is bit for bit what the unfused recursion computed. (A dot with several running sums
 * would be faster still, but its different rounding flipped borderline decisions of the solver: the parity
 * tests on the tfjs route then chose another C on one feature set.)
 */
function updateThenDot(
  q: Float64Array,
  coef: number,
  v: Float64Array,
  scale: number,
  next: Float64Array | null,
): number {
  const n = q.length;
  if (!next) {
    for (let j = 0; j < n; j++) q[j] = (q[j] + coef * v[j]) * scale;
    return 0;
  }
  let s = 0;
  for (let j = 0; j < n; j++) {
    const value = (q[j] + coef * v[j]) * scale;
    q[j] = value;
    s += next[j] * value;
  }
  return s;
}

/** The limited-memory inverse Hessian: the last m (s, y) pairs, newest last. */
export class History {
  readonly s: Float64Array[] = [];
  readonly y: Float64Array[] = [];
  readonly rho: number[] = [];
  /** θ = y'y / s'y of the newest pair; H0 = I/θ. */
  theta = 1;
  constructor(private readonly m: number) {}

  get size(): number {
    return this.s.length;
  }

  push(s: Float64Array, y: Float64Array, sy: number, yy: number): void {
    if (this.s.length === this.m) {
      this.s.shift();
      this.y.shift();
      this.rho.shift();
    }
    this.s.push(s);
    this.y.push(y);
    this.rho.push(1 / sy);
    this.theta = yy / sy;
  }

  reset(): void {
    this.s.length = 0;
    this.y.length = 0;
    this.rho.length = 0;
    this.theta = 1;
  }

  /**
   * d = −H g by the two-loop recursion (with no pairs: d = −g/θ, L-BFGS-B's Cauchy step without bounds).
   * Each pass updates q and takes the next pair's dot in one sweep (updateThenDot): at 204,900 parameters
   * × 10 pairs the unfused recursion was 40 passes over 1.6 MB and about 20 ms per iteration.
   */
  direction(g: Float64Array): Float64Array {
    const q = g.slice();
    const k = this.s.length;
    const gamma = 1 / this.theta;
    if (k === 0) {
      for (let j = 0; j < q.length; j++) q[j] = -(q[j] * gamma);
      return q;
    }
    const alpha = new Float64Array(k);
    // First loop, newest pair first: αᵢ = ρᵢ sᵢ·q, q −= αᵢ yᵢ; the last update also scales q by γ = 1/θ.
    let sq = dot(this.s[k - 1], q);
    for (let i = k - 1; i >= 0; i--) {
      alpha[i] = this.rho[i] * sq;
      sq = updateThenDot(q, -alpha[i], this.y[i], i === 0 ? gamma : 1, i > 0 ? this.s[i - 1] : this.y[0]);
    }
    // Second loop, oldest first: βᵢ = ρᵢ yᵢ·q, q += (αᵢ − βᵢ) sᵢ; the last update also negates q.
    let yq = sq;
    for (let i = 0; i < k; i++) {
      const beta = this.rho[i] * yq;
      const last = i === k - 1;
      yq = updateThenDot(q, alpha[i] - beta, this.s[i], last ? -1 : 1, last ? null : this.y[i + 1]);
    }
    return q;
  }
}

interface SearchOutcome {
  ok: boolean;
  stp: number;
  gd: number;
}

export async function lbfgs(
  objective: ObjectiveFn | LineObjective,
  x0: Float64Array,
  opts: LbfgsOptions,
): Promise<LbfgsResult> {
  const fg = asLineObjective(objective);
  const n = x0.length;
  const ftol = opts.ftol ?? SCIPY_DEFAULT_FTOL;
  const maxls = opts.maxls ?? 20;
  const maxfun = opts.maxfun ?? 15000;
  const history = new History(opts.m ?? 10);
  let x = x0.slice();
  let g = new Float64Array(n);
  let f = await fg.evaluate(x, g);
  let evaluations = 1;
  let iterations = 0;
  const done = (stop: LbfgsStop): LbfgsResult => ({ x, f, grad: g, iterations, evaluations, stop });
  if (maxAbs(g) <= opts.pgtol) return done('pgtol');

  for (;;) {
    if (opts.cancel?.cancelled) throw new CancelledError();
    const d = history.direction(g);
    const dnorm = Math.sqrt(dot(d, d));
    const stp0 = iterations === 0 ? Math.min(1 / dnorm, BIG_STEP) : 1;
    const xOld = x;
    const gOld = g;
    const fOld = f;
    const gdOld = dot(gOld, d);
    const trialX = new Float64Array(n);
    let trialF = f;
    const search = await (async (): Promise<SearchOutcome> => {
      if (!(gdOld < 0)) return { ok: false, stp: 0, gd: gdOld }; // not a descent direction
      await fg.beginLine(d);
      const ls = new MoreThuente({ ftol: 1e-3, gtol: 0.9, xtol: 0.1, stpmin: 0, stpmax: BIG_STEP });
      ls.start(fOld, gdOld, stp0);
      for (let ifun = 0; ; ifun++) {
        if (ifun >= maxls) return { ok: false, stp: ls.stp, gd: 0 };
        const stp = ls.stp;
        for (let i = 0; i < n; i++) trialX[i] = stp === 1 ? xOld[i] + d[i] : stp * d[i] + xOld[i];
        const trial = await fg.lineValue(stp, trialX);
        trialF = trial.f;
        evaluations++;
        const task = ls.step(trialF, trial.slope);
        if (task === 'CONVERGENCE' || task === 'WARNING') return { ok: true, stp, gd: trial.slope };
        if (task === 'ERROR') return { ok: false, stp, gd: trial.slope };
      }
    })();

    if (!search.ok) {
      // Keep the previous iterate. With no curvature pairs there is nothing left to try.
      if (history.size === 0) return done('linesearch');
      history.reset();
      continue;
    }

    g = new Float64Array(n);
    await fg.acceptLine(search.stp, trialX, g);
    x = trialX;
    f = trialF;
    iterations++;
    opts.onIteration?.(iterations, f);
    if (iterations >= opts.maxIter) return done('maxiter');
    if (evaluations > maxfun) return done('maxfun');
    if (maxAbs(g) <= opts.pgtol) return done('pgtol');
    if (fOld - f <= ftol * Math.max(Math.abs(fOld), Math.abs(f), 1)) return done('ftol');

    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = g[i] - gOld[i];
    const yy = dot(y, y);
    const { stp } = search;
    const dr = stp === 1 ? search.gd - gdOld : (search.gd - gdOld) * stp;
    const ddum = stp === 1 ? -gdOld : -gdOld * stp;
    if (dr <= EPSMCH * ddum) continue; // curvature too small: skip the update, as L-BFGS-B does
    if (stp !== 1) for (let i = 0; i < n; i++) d[i] *= stp; // d becomes s = x − xOld
    history.push(d, y, dr, yy);
  }
}
