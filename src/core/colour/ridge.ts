// Ridge regression in closed form, float64, pure JS: W = (XcᵀXc + λI)⁻¹ XcᵀYc on centred data, so the
// intercept is not penalised. One Gram matrix serves a whole λ grid; each λ costs one Cholesky of size
// m = min(n, d): the primal form (d × d) when there are more samples than features, else the dual form
// (n × n kernel, W = Xcᵀ α) — the same minimiser either way.

/** A row-major matrix of `rows` × `cols` values. */
export interface Mat {
  data: ArrayLike<number>;
  rows: number;
  cols: number;
}

export interface RidgeModel {
  /** d × t coefficients, row-major. */
  W: Float64Array;
  /** t intercepts (the training targets' means minus the centred prediction at the feature means). */
  b: Float64Array;
  lambda: number;
}

function assertMat(m: Mat, what: string): void {
  if (m.data.length !== m.rows * m.cols) {
    throw new Error(`${what}: ${m.rows}×${m.cols} needs ${m.rows * m.cols} values, has ${m.data.length}`);
  }
}

function columnMeans(m: Mat): Float64Array {
  const mu = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) mu[j] += m.data[i * m.cols + j];
  for (let j = 0; j < m.cols; j++) mu[j] /= Math.max(1, m.rows);
  return mu;
}

function centred(m: Mat, mu: Float64Array): Float64Array {
  const out = new Float64Array(m.rows * m.cols);
  for (let i = 0; i < m.rows; i++)
    for (let j = 0; j < m.cols; j++) out[i * m.cols + j] = m.data[i * m.cols + j] - mu[j];
  return out;
}

/** AᵀA (c × c) of a row-major r × c matrix, accumulating row by row (cache friendly), upper half mirrored. */
function gramOfColumns(a: Float64Array, r: number, c: number): Float64Array {
  const g = new Float64Array(c * c);
  for (let i = 0; i < r; i++) {
    const row = i * c;
    for (let p = 0; p < c; p++) {
      const v = a[row + p];
      if (v === 0) continue;
      const gp = p * c;
      for (let q = p; q < c; q++) g[gp + q] += v * a[row + q];
    }
  }
  mirrorUpper(g, c);
  return g;
}

/** AAᵀ (r × r) of a row-major r × c matrix. */
function gramOfRows(a: Float64Array, r: number, c: number): Float64Array {
  const g = new Float64Array(r * r);
  for (let p = 0; p < r; p++) {
    for (let q = p; q < r; q++) {
      let s = 0;
      for (let j = 0; j < c; j++) s += a[p * c + j] * a[q * c + j];
      g[p * r + q] = s;
    }
  }
  mirrorUpper(g, r);
  return g;
}

function mirrorUpper(g: Float64Array, m: number): void {
  for (let p = 0; p < m; p++) for (let q = p + 1; q < m; q++) g[q * m + p] = g[p * m + q];
}

/** Aᵀ B for row-major A (r × c) and B (r × t): c × t. */
function transposeTimes(a: Float64Array, b: Float64Array, r: number, c: number, t: number): Float64Array {
  const out = new Float64Array(c * t);
  for (let i = 0; i < r; i++) {
    for (let p = 0; p < c; p++) {
      const v = a[i * c + p];
      if (v === 0) continue;
      for (let k = 0; k < t; k++) out[p * t + k] += v * b[i * t + k];
    }
  }
  return out;
}

/** In-place Cholesky G = LLᵀ (lower triangle of `g` becomes L); throws if G is not positive definite. */
function cholesky(g: Float64Array, m: number): void {
  for (let j = 0; j < m; j++) {
    let diag = g[j * m + j];
    for (let k = 0; k < j; k++) diag -= g[j * m + k] * g[j * m + k];
    if (!(diag > 0)) throw new Error(`ridge: matrix not positive definite at pivot ${j} (λ too small?)`);
    const ljj = Math.sqrt(diag);
    g[j * m + j] = ljj;
    for (let i = j + 1; i < m; i++) {
      let s = g[i * m + j];
      for (let k = 0; k < j; k++) s -= g[i * m + k] * g[j * m + k];
      g[i * m + j] = s / ljj;
    }
  }
}

/** Solves LLᵀ X = B in place for t right-hand sides (B is m × t, row-major). */
function choleskySolve(l: Float64Array, b: Float64Array, m: number, t: number): void {
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < i; k++) {
      const lik = l[i * m + k];
      for (let c = 0; c < t; c++) b[i * t + c] -= lik * b[k * t + c];
    }
    for (let c = 0; c < t; c++) b[i * t + c] /= l[i * m + i];
  }
  for (let i = m - 1; i >= 0; i--) {
    for (let k = i + 1; k < m; k++) {
      const lki = l[k * m + i];
      for (let c = 0; c < t; c++) b[i * t + c] -= lki * b[k * t + c];
    }
    for (let c = 0; c < t; c++) b[i * t + c] /= l[i * m + i];
  }
}

/**
 * A ridge problem with its Gram matrix computed once; `fit(λ)` is then one Cholesky. `scale` is the mean
 * eigenvalue of the Gram matrix (its trace / m), so a grid of λ / scale means the same on any feature scale.
 */
export class RidgeProblem {
  readonly n: number;
  readonly d: number;
  readonly t: number;
  readonly scale: number;
  private readonly muX: Float64Array;
  private readonly muY: Float64Array;
  private readonly xc: Float64Array;
  private readonly yc: Float64Array;
  private readonly dual: boolean;
  private readonly gram: Float64Array;
  /** Primal: XcᵀYc (d × t); unused in the dual form. */
  private readonly xty: Float64Array | null;

  constructor(X: Mat, Y: Mat) {
    assertMat(X, 'ridge X');
    assertMat(Y, 'ridge Y');
    if (X.rows !== Y.rows) throw new Error(`ridge: X has ${X.rows} rows, Y has ${Y.rows}`);
    if (X.rows < 2) throw new Error('ridge: needs at least 2 training samples');
    this.n = X.rows;
    this.d = X.cols;
    this.t = Y.cols;
    this.muX = columnMeans(X);
    this.muY = columnMeans(Y);
    this.xc = centred(X, this.muX);
    this.yc = centred(Y, this.muY);
    this.dual = this.n < this.d;
    this.gram = this.dual ? gramOfRows(this.xc, this.n, this.d) : gramOfColumns(this.xc, this.n, this.d);
    this.xty = this.dual ? null : transposeTimes(this.xc, this.yc, this.n, this.d, this.t);
    const m = this.dual ? this.n : this.d;
    let trace = 0;
    for (let i = 0; i < m; i++) trace += this.gram[i * m + i];
    // Constant features give a zero Gram matrix; any positive scale keeps the grid meaningful then.
    this.scale = trace > 0 ? trace / m : 1;
  }

  fit(lambda: number): RidgeModel {
    if (!(lambda > 0)) throw new RangeError(`ridge: λ must be > 0, got ${lambda}`);
    const m = this.dual ? this.n : this.d;
    const a = Float64Array.from(this.gram);
    for (let i = 0; i < m; i++) a[i * m + i] += lambda;
    cholesky(a, m);
    const rhs = Float64Array.from(this.dual ? this.yc : (this.xty as Float64Array));
    choleskySolve(a, rhs, m, this.t);
    const W = this.dual ? transposeTimes(this.xc, rhs, this.n, this.d, this.t) : rhs;
    const b = Float64Array.from(this.muY);
    for (let j = 0; j < this.d; j++) {
      for (let k = 0; k < this.t; k++) b[k] -= this.muX[j] * W[j * this.t + k];
    }
    return { W, b, lambda };
  }
}

/** X·W + b for a fitted model: rows × t, float64. */
export function ridgePredict(model: RidgeModel, X: Mat): Float64Array {
  assertMat(X, 'ridge predict X');
  const t = model.b.length;
  const d = X.cols;
  if (model.W.length !== d * t)
    throw new Error(`ridge predict: model has ${model.W.length / t} features, X has ${d}`);
  const out = new Float64Array(X.rows * t);
  for (let i = 0; i < X.rows; i++) {
    for (let k = 0; k < t; k++) out[i * t + k] = model.b[k];
    for (let j = 0; j < d; j++) {
      const v = X.data[i * d + j];
      if (v === 0) continue;
      for (let k = 0; k < t; k++) out[i * t + k] += v * model.W[j * t + k];
    }
  }
  return out;
}
