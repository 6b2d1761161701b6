// The Moré–Thuente line search as in MINPACK-2's dcsrch/dcstep, the one scipy's L-BFGS-B (v3.0) calls.
// Ported statement by statement (reverse communication kept as a small state machine) so that, given the same
// function values, our iterates follow scipy's. Pure float64 code.

export type LineSearchTask = 'FG' | 'CONVERGENCE' | 'WARNING' | 'ERROR';

export interface LineSearchParams {
  ftol: number;
  gtol: number;
  xtol: number;
  stpmin: number;
  stpmax: number;
}

interface Bracket {
  stx: number;
  fx: number;
  dx: number;
  sty: number;
  fy: number;
  dy: number;
  brackt: boolean;
}

/** One safeguarded step of dcstep: updates the bracket in place and returns the new trial step. */
function dcstep(b: Bracket, stp: number, fp: number, dp: number, stpmin: number, stpmax: number): number {
  const { stx, fx, dx, sty, fy, dy } = b;
  const sgnd = dp * (dx / Math.abs(dx));
  let stpf: number;
  if (fp > fx) {
    // Higher function value: the minimum is bracketed.
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) ** 2 - (dx / s) * (dp / s));
    if (stp < stx) gamma = -gamma;
    const p = gamma - dx + theta;
    const q = gamma - dx + gamma + dp;
    const stpc = stx + (p / q) * (stp - stx);
    const stpq = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2) * (stp - stx);
    stpf = Math.abs(stpc - stx) < Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2;
    b.brackt = true;
  } else if (sgnd < 0) {
    // Lower value, derivatives of opposite sign: bracketed.
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) ** 2 - (dx / s) * (dp / s));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dx;
    const stpc = stp + (p / q) * (stx - stp);
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
    b.brackt = true;
  } else if (Math.abs(dp) < Math.abs(dx)) {
    // Lower value, same-sign derivatives, derivative magnitude decreases.
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt(Math.max(0, (theta / s) ** 2 - (dx / s) * (dp / s)));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma + (dx - dp) + gamma;
    const r = p / q;
    let stpc: number;
    if (r < 0 && gamma !== 0) stpc = stp + r * (stx - stp);
    else if (stp > stx) stpc = stpmax;
    else stpc = stpmin;
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (b.brackt) {
      stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
      stpf = stp > stx ? Math.min(stp + 0.66 * (sty - stp), stpf) : Math.max(stp + 0.66 * (sty - stp), stpf);
    } else {
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      stpf = Math.max(stpmin, Math.min(stpmax, stpf));
    }
  } else if (b.brackt) {
    // Lower value, same-sign derivatives, magnitude does not decrease: cubic from the other end.
    const theta = (3 * (fp - fy)) / (sty - stp) + dy + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dy), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) ** 2 - (dy / s) * (dp / s));
    if (stp > sty) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dy;
    stpf = stp + (p / q) * (sty - stp);
  } else {
    stpf = stp > stx ? stpmax : stpmin;
  }
  if (fp > fx) {
    b.sty = stp;
    b.fy = fp;
    b.dy = dp;
  } else {
    if (sgnd < 0) {
      b.sty = stx;
      b.fy = fx;
      b.dy = dx;
    }
    b.stx = stp;
    b.fx = fp;
    b.dx = dp;
  }
  return stpf;
}

/**
 * A line search in progress. Call `start(f0, g0, stp0)`, then evaluate f and the directional derivative g at
 * `stp` and call `step(f, g)` until the task is not 'FG'.
 */
export class MoreThuente {
  stp = 0;
  task: LineSearchTask = 'FG';
  private readonly p: LineSearchParams;
  private bracket: Bracket = { stx: 0, fx: 0, dx: 0, sty: 0, fy: 0, dy: 0, brackt: false };
  private stage = 1;
  private finit = 0;
  private ginit = 0;
  private gtest = 0;
  private width = 0;
  private width1 = 0;
  private stmin = 0;
  private stmax = 0;

  constructor(params: LineSearchParams) {
    this.p = params;
  }

  start(f: number, g: number, stp: number): LineSearchTask {
    const { stpmin, stpmax, ftol } = this.p;
    this.stp = stp;
    if (stp < stpmin || stp > stpmax || g >= 0) {
      this.task = 'ERROR';
      return this.task;
    }
    this.bracket = { stx: 0, fx: f, dx: g, sty: 0, fy: f, dy: g, brackt: false };
    this.stage = 1;
    this.finit = f;
    this.ginit = g;
    this.gtest = ftol * g;
    this.width = stpmax - stpmin;
    this.width1 = this.width / 0.5;
    this.stmin = 0;
    this.stmax = stp + 4 * stp;
    this.task = 'FG';
    return this.task;
  }

  step(f: number, g: number): LineSearchTask {
    const { gtol, xtol, stpmin, stpmax } = this.p;
    const b = this.bracket;
    let stp = this.stp;
    const ftest = this.finit + stp * this.gtest;
    if (this.stage === 1 && f <= ftest && g >= 0) this.stage = 2;

    let task: LineSearchTask = 'FG';
    if (b.brackt && (stp <= this.stmin || stp >= this.stmax)) task = 'WARNING'; // rounding errors
    if (b.brackt && this.stmax - this.stmin <= xtol * this.stmax) task = 'WARNING'; // xtol satisfied
    if (stp === stpmax && f <= ftest && g <= this.gtest) task = 'WARNING';
    if (stp === stpmin && (f > ftest || g >= this.gtest)) task = 'WARNING';
    if (f <= ftest && Math.abs(g) <= gtol * -this.ginit) task = 'CONVERGENCE';
    if (task !== 'FG') {
      this.task = task;
      return task;
    }

    if (this.stage === 1 && f <= b.fx && f > ftest) {
      // Use the modified function ψ(α) = f(α) − f(0) − α·gtest until a step with ψ ≤ 0 and f' ≥ 0 is found.
      const gt = this.gtest;
      const mod: Bracket = {
        stx: b.stx,
        fx: b.fx - b.stx * gt,
        dx: b.dx - gt,
        sty: b.sty,
        fy: b.fy - b.sty * gt,
        dy: b.dy - gt,
        brackt: b.brackt,
      };
      stp = dcstep(mod, stp, f - stp * gt, g - gt, this.stmin, this.stmax);
      b.stx = mod.stx;
      b.sty = mod.sty;
      b.brackt = mod.brackt;
      b.fx = mod.fx + mod.stx * gt;
      b.fy = mod.fy + mod.sty * gt;
      b.dx = mod.dx + gt;
      b.dy = mod.dy + gt;
    } else {
      stp = dcstep(b, stp, f, g, this.stmin, this.stmax);
    }

    if (b.brackt) {
      if (Math.abs(b.sty - b.stx) >= 0.66 * this.width1) stp = b.stx + 0.5 * (b.sty - b.stx);
      this.width1 = this.width;
      this.width = Math.abs(b.sty - b.stx);
    }
    if (b.brackt) {
      this.stmin = Math.min(b.stx, b.sty);
      this.stmax = Math.max(b.stx, b.sty);
    } else {
      this.stmin = stp + 1.1 * (stp - b.stx);
      this.stmax = stp + 4 * (stp - b.stx);
    }
    stp = Math.max(stp, stpmin);
    stp = Math.min(stp, stpmax);
    if (
      (b.brackt && (stp <= this.stmin || stp >= this.stmax)) ||
      (b.brackt && this.stmax - this.stmin <= xtol * this.stmax)
    ) {
      stp = b.stx;
    }
    this.stp = stp;
    this.task = 'FG';
    return 'FG';
  }
}
