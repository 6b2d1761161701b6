// Paired bootstrap over test images: resample the test set with replacement (the same images for both
// models), recompute the metric difference, and ask how often a resampled difference lies as far from the
// observed one as the observed one lies from zero (the "shift" null of Efron & Tibshirani, ch. 16).
//
//   p = (1 + #{r : |d*_r − d| ≥ |d|}) / (R + 1)
//
// d = metric(A) − metric(B) on the test set; d*_r the same on resample r. The +1s count the observed set
// as one of the resamples, so p is never 0 and its resolution is 1/(R + 1). A tie |d*_r − d| = |d| counts as
// at least as extreme; FLOAT_GUARD keeps exact-arithmetic ties counted whatever the float rounding order.
// Resample indices come from mulberry32(seed) via rng.nextInt(n), n draws per resample, resample by
// resample: the same seed gives the same p in Node, browsers and the Python reference.

import { map11 } from '../metrics/voc.ts';
import { createRng } from '../rng.ts';

/** Resamples for the mean per-class accuracy test (cheap: one pass over n per resample). */
export const BOOTSTRAP_RESAMPLES = 10_000;
/** Resamples for the mAP test (each resample sorts every class's scores, so fewer). */
export const BOOTSTRAP_RESAMPLES_MAP = 1_000;
const FLOAT_GUARD = 1e-12;

export interface BootstrapResult {
  /** metric(A) − metric(B) on the test set itself. */
  difference: number;
  pValue: number;
  resamples: number;
}

/** Generic paired bootstrap: `diff(indices)` gives metric(A) − metric(B) on the images `indices`. */
export function pairedBootstrap(
  n: number,
  diff: (indices: Int32Array) => number,
  opts: { seed: number; resamples: number },
): BootstrapResult {
  if (n < 1) throw new RangeError('a paired bootstrap needs at least one test image');
  const identity = Int32Array.from({ length: n }, (_, i) => i);
  const observed = diff(identity);
  const rng = createRng(opts.seed);
  const indices = new Int32Array(n);
  let extreme = 0;
  for (let r = 0; r < opts.resamples; r++) {
    for (let i = 0; i < n; i++) indices[i] = rng.nextInt(n);
    if (Math.abs(diff(indices) - observed) >= Math.abs(observed) - FLOAT_GUARD) extreme++;
  }
  return { difference: observed, pValue: (1 + extreme) / (opts.resamples + 1), resamples: opts.resamples };
}

/**
 * Mean per-class accuracy of correctness bits over the images `indices`: the mean, over classes present
 * among them, of the fraction right (scikit-learn's balanced_accuracy_score; absent classes are left out).
 */
export function meanPerClassOf(
  correct: ArrayLike<number>,
  labels: ArrayLike<number>,
  nClasses: number,
  indices: ArrayLike<number>,
): number {
  const seen = new Float64Array(nClasses);
  const right = new Float64Array(nClasses);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    seen[labels[j]]++;
    right[labels[j]] += correct[j] ? 1 : 0;
  }
  let sum = 0;
  let present = 0;
  for (let c = 0; c < nClasses; c++) {
    if (seen[c] > 0) {
      sum += right[c] / seen[c];
      present++;
    }
  }
  return present > 0 ? sum / present : 0;
}

export function bootstrapMeanPerClass(
  correctA: ArrayLike<number>,
  correctB: ArrayLike<number>,
  labels: ArrayLike<number>,
  nClasses: number,
  opts: { seed: number; resamples?: number },
): BootstrapResult {
  const n = labels.length;
  if (correctA.length !== n || correctB.length !== n) throw new RangeError('paired vectors differ in length');
  return pairedBootstrap(
    n,
    (idx) =>
      meanPerClassOf(correctA, labels, nClasses, idx) - meanPerClassOf(correctB, labels, nClasses, idx),
    { seed: opts.seed, resamples: opts.resamples ?? BOOTSTRAP_RESAMPLES },
  );
}

/** The paper's 11-point mAP of row-major n × k scores against 0/1 targets, over the images `indices`. */
export function map11Of(
  scores: ArrayLike<number>,
  targets: ArrayLike<number>,
  k: number,
  indices: ArrayLike<number>,
): number {
  const m = indices.length;
  const s = new Float64Array(m * k);
  const t = new Uint8Array(m * k);
  for (let i = 0; i < m; i++) {
    const j = indices[i];
    for (let c = 0; c < k; c++) {
      s[i * k + c] = scores[j * k + c];
      t[i * k + c] = targets[j * k + c] > 0 ? 1 : 0;
    }
  }
  return map11(s, t, m, k);
}

export function bootstrapMap11(
  scoresA: ArrayLike<number>,
  scoresB: ArrayLike<number>,
  targets: ArrayLike<number>,
  n: number,
  k: number,
  opts: { seed: number; resamples?: number },
): BootstrapResult {
  if (scoresA.length !== n * k || scoresB.length !== n * k || targets.length !== n * k)
    throw new RangeError('scores and targets must all be n × k');
  return pairedBootstrap(n, (idx) => map11Of(scoresA, targets, k, idx) - map11Of(scoresB, targets, k, idx), {
    seed: opts.seed,
    resamples: opts.resamples ?? BOOTSTRAP_RESAMPLES_MAP,
  });
}
