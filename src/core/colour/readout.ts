// Colour readout: how linearly decodable an image's colour statistics are from frozen features. A ridge
// regression (closed form, λ chosen on validation from a log grid) maps pooled features to mean R, G, B and
// the 4×4×4 joint histogram; it is scored on test images by R² and by per-channel error (0–255 scale).

import { pow10 } from '../math/fdlibm.ts';
import { randomValidationSplit } from '../splits.ts';
import { type Mat, RidgeProblem, ridgePredict } from './ridge.ts';
import { COLOUR_TARGET_SIZE, HIST_SIZE } from './targets.ts';

/** Features (row-major n × d) with their colour targets (n × 67, from colourTargetMatrix). */
export interface ColourSet {
  X: ArrayLike<number>;
  n: number;
  d: number;
  targets: Float64Array;
}

export interface ColourReadoutOptions {
  /** log10 of λ relative to the mean eigenvalue of the training Gram matrix; default −6 … 4 in steps of 1. */
  log10Grid?: number[];
  /** Refit on train + val with the chosen λ before scoring test (as the linear probe does); default true. */
  refit?: boolean;
  /** When `val` is null: the seeded fraction of train held out for choosing λ (default 0.2, seed 0). */
  valFraction?: number;
  seed?: number;
}

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

export interface ColourReadoutResult {
  /** Mean of the three per-channel R² of mean R, G, B on test. */
  r2Mean: number;
  r2PerChannel: Rgb;
  /** Variance-weighted R² over the 64 histogram cells (cells constant on test add nothing). */
  r2Hist: number;
  /** Root-mean-square error of the predicted mean R, G, B on test, 0–255 scale. */
  rmse: Rgb;
  /** Chosen λ (absolute, for the sum-of-squares objective) for the mean-RGB and histogram targets. */
  lambda: { meanRgb: number; hist: number };
  /** The validation curve behind the choice: one entry per grid point. */
  validation: { log10Relative: number[]; r2Mean: number[]; r2Hist: number[] };
}

export const DEFAULT_LOG10_GRID = [-6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4];

const MEAN_COLUMNS = [0, 1, 2];
const HIST_COLUMNS = Array.from({ length: HIST_SIZE }, (_, i) => 3 + i);

/** Σ squared residuals and Σ squared deviations from the column's mean, for one target column. */
function sumsOfSquares(
  pred: Float64Array,
  truth: Float64Array,
  n: number,
  col: number,
): { res: number; tot: number } {
  const t = COLOUR_TARGET_SIZE;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += truth[i * t + col];
  mean /= n;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < n; i++) {
    const y = truth[i * t + col];
    res += (y - pred[i * t + col]) ** 2;
    tot += (y - mean) ** 2;
  }
  return { res, tot };
}

/** R² of one column (sklearn r2_score); NaN when the column is constant on these images. */
export function r2Column(pred: Float64Array, truth: Float64Array, n: number, col: number): number {
  const { res, tot } = sumsOfSquares(pred, truth, n, col);
  return tot > 0 ? 1 - res / tot : Number.NaN;
}

/** 1 − Σres / Σtot over several columns (sklearn's 'variance_weighted' multi-output R²). */
export function r2VarianceWeighted(
  pred: Float64Array,
  truth: Float64Array,
  n: number,
  cols: number[],
): number {
  let res = 0;
  let tot = 0;
  for (const c of cols) {
    const s = sumsOfSquares(pred, truth, n, c);
    res += s.res;
    tot += s.tot;
  }
  return tot > 0 ? 1 - res / tot : Number.NaN;
}

function meanOf(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function r2MeanRgb(pred: Float64Array, truth: Float64Array, n: number): number {
  return meanOf(MEAN_COLUMNS.map((c) => r2Column(pred, truth, n, c)));
}

function rmseColumn(pred: Float64Array, truth: Float64Array, n: number, col: number): number {
  let s = 0;
  for (let i = 0; i < n; i++)
    s += (truth[i * COLOUR_TARGET_SIZE + col] - pred[i * COLOUR_TARGET_SIZE + col]) ** 2;
  return Math.sqrt(s / n);
}

function assertSet(s: ColourSet, what: string): void {
  if (s.X.length !== s.n * s.d)
    throw new Error(`colour readout ${what}: X needs ${s.n}×${s.d} values, has ${s.X.length}`);
  if (s.targets.length !== s.n * COLOUR_TARGET_SIZE) {
    throw new Error(
      `colour readout ${what}: targets need ${s.n}×${COLOUR_TARGET_SIZE} values, has ${s.targets.length}`,
    );
  }
}

const asMat = (s: ColourSet): Mat => ({ data: s.X, rows: s.n, cols: s.d });
const targetMat = (s: ColourSet): Mat => ({ data: s.targets, rows: s.n, cols: COLOUR_TARGET_SIZE });

/** Rows `idx` of a set, copied. */
export function selectRows(s: ColourSet, idx: number[]): ColourSet {
  const X = new Float64Array(idx.length * s.d);
  const targets = new Float64Array(idx.length * COLOUR_TARGET_SIZE);
  idx.forEach((row, i) => {
    for (let j = 0; j < s.d; j++) X[i * s.d + j] = s.X[row * s.d + j];
    targets.set(
      s.targets.subarray(row * COLOUR_TARGET_SIZE, (row + 1) * COLOUR_TARGET_SIZE),
      i * COLOUR_TARGET_SIZE,
    );
  });
  return { X, n: idx.length, d: s.d, targets };
}

function concatSets(a: ColourSet, b: ColourSet): ColourSet {
  const X = new Float64Array((a.n + b.n) * a.d);
  for (let i = 0; i < a.n * a.d; i++) X[i] = a.X[i];
  for (let i = 0; i < b.n * b.d; i++) X[a.n * a.d + i] = b.X[i];
  const targets = new Float64Array((a.n + b.n) * COLOUR_TARGET_SIZE);
  targets.set(a.targets);
  targets.set(b.targets, a.targets.length);
  return { X, n: a.n + b.n, d: a.d, targets };
}

/** Index of the best finite score; ties keep the earlier (smaller λ) grid point. */
function argmaxFinite(scores: number[]): number {
  let best = -1;
  scores.forEach((s, i) => {
    if (Number.isFinite(s) && (best < 0 || s > scores[best])) best = i;
  });
  if (best < 0)
    throw new Error(
      'colour readout: no λ gave a finite validation R² (are the validation targets constant?)',
    );
  return best;
}

/** Picks λ for the mean-RGB and histogram targets separately on the validation images. */
function chooseLambdas(train: ColourSet, val: ColourSet, grid: number[]) {
  const problem = new RidgeProblem(asMat(train), targetMat(train));
  const lambdas = grid.map((g) => problem.scale * pow10(g));
  const r2Mean: number[] = [];
  const r2Hist: number[] = [];
  for (const lambda of lambdas) {
    const pred = ridgePredict(problem.fit(lambda), asMat(val));
    r2Mean.push(r2MeanRgb(pred, val.targets, val.n));
    r2Hist.push(r2VarianceWeighted(pred, val.targets, val.n, HIST_COLUMNS));
  }
  return {
    lambda: { meanRgb: lambdas[argmaxFinite(r2Mean)], hist: lambdas[argmaxFinite(r2Hist)] },
    validation: { log10Relative: [...grid], r2Mean, r2Hist },
  };
}

/** Test predictions for all 67 targets: mean-RGB columns from one λ, histogram columns from the other. */
function predictTest(
  fitSet: ColourSet,
  test: ColourSet,
  lambda: { meanRgb: number; hist: number },
): Float64Array {
  const problem = new RidgeProblem(asMat(fitSet), targetMat(fitSet));
  const predMean = ridgePredict(problem.fit(lambda.meanRgb), asMat(test));
  if (lambda.hist === lambda.meanRgb) return predMean;
  const predHist = ridgePredict(problem.fit(lambda.hist), asMat(test));
  for (let i = 0; i < test.n; i++) {
    for (const c of MEAN_COLUMNS) predHist[i * COLOUR_TARGET_SIZE + c] = predMean[i * COLOUR_TARGET_SIZE + c];
  }
  return predHist;
}

export function colourReadout(
  train: ColourSet,
  val: ColourSet | null,
  test: ColourSet,
  opts: ColourReadoutOptions = {},
): ColourReadoutResult {
  assertSet(train, 'train');
  assertSet(test, 'test');
  if (val) assertSet(val, 'val');
  if (test.n < 2) throw new Error('colour readout: needs at least 2 test images for R²');
  let fitTrain = train;
  let fitVal = val;
  if (!fitVal) {
    const split = randomValidationSplit(train.n, opts.valFraction ?? 0.2, opts.seed ?? 0);
    fitTrain = selectRows(train, split.train);
    fitVal = selectRows(train, split.val);
  }
  const { lambda, validation } = chooseLambdas(fitTrain, fitVal, opts.log10Grid ?? DEFAULT_LOG10_GRID);
  const refit = opts.refit ?? true;
  const fitSet = refit ? (val ? concatSets(train, val) : train) : fitTrain;
  const pred = predictTest(fitSet, test, lambda);
  const [r, g, b] = MEAN_COLUMNS.map((c) => r2Column(pred, test.targets, test.n, c));
  const [er, eg, eb] = MEAN_COLUMNS.map((c) => rmseColumn(pred, test.targets, test.n, c));
  return {
    r2Mean: (r + g + b) / 3,
    r2PerChannel: { r, g, b },
    r2Hist: r2VarianceWeighted(pred, test.targets, test.n, HIST_COLUMNS),
    rmse: { r: er, g: eg, b: eb },
    lambda,
    validation,
  };
}
