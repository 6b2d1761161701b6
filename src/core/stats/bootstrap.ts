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

/**
 * One model's metric on the test set and on every resample. The draws depend only on n and the seed, so
 * every model meets the same resamples: a pair's d*_r is the difference of the two models' values, and
 * m models cost m passes instead of one per pair.
 */
export interface Resampled {
  observed: number;
  resampled: Float64Array;
}

export function resampleStatistic(
  n: number,
  stat: (indices: Int32Array) => number,
  opts: { seed: number; resamples: number },
): Resampled {
  if (n < 1) throw new RangeError('a paired bootstrap needs at least one test image');
  const observed = stat(Int32Array.from({ length: n }, (_, i) => i));
  const rng = createRng(opts.seed);
  const indices = new Int32Array(n);
  const resampled = new Float64Array(opts.resamples);
  for (let r = 0; r < opts.resamples; r++) {
    for (let i = 0; i < n; i++) indices[i] = rng.nextInt(n);
    resampled[r] = stat(indices);
  }
  return { observed, resampled };
}

/** The p-value above from two models' resampled values (same test images, seed and resample count). */
export function pairedFromResampled(a: Resampled, b: Resampled): BootstrapResult {
  const R = a.resampled.length;
  if (b.resampled.length !== R) throw new RangeError('the two models were resampled differently');
  const observed = a.observed - b.observed;
  let extreme = 0;
  for (let r = 0; r < R; r++) {
    if (Math.abs(a.resampled[r] - b.resampled[r] - observed) >= Math.abs(observed) - FLOAT_GUARD) extreme++;
  }
  return { difference: observed, pValue: (1 + extreme) / (R + 1), resamples: R };
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

/** Mean per-class accuracy of one model's correctness bits on the test set and each resample. */
export function resampleMeanPerClass(
  correct: ArrayLike<number>,
  labels: ArrayLike<number>,
  nClasses: number,
  opts: { seed: number; resamples?: number },
): Resampled {
  return resampleStatistic(labels.length, (idx) => meanPerClassOf(correct, labels, nClasses, idx), {
    seed: opts.seed,
    resamples: opts.resamples ?? BOOTSTRAP_RESAMPLES,
  });
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
  return pairedFromResampled(
    resampleMeanPerClass(correctA, labels, nClasses, opts),
    resampleMeanPerClass(correctB, labels, nClasses, opts),
  );
}

/**
 * The paper's 11-point mAP of row-major n × k scores against 0/1 targets, over the images `indices` (a
 * multiset: an image drawn twice counts twice). Images are ranked by score, ties by test-set index, so the
 * ranking of a resample never depends on draw order; over the whole test set this is map11 exactly.
 */
export function map11Of(
  scores: ArrayLike<number>,
  targets: ArrayLike<number>,
  k: number,
  indices: ArrayLike<number>,
): number {
  const n = scores.length / k;
  return new RankedMap11(scores, targets, n, k).map(countsOf(indices, n));
}

function countsOf(indices: ArrayLike<number>, n: number, into = new Int32Array(n)): Int32Array {
  into.fill(0);
  for (let i = 0; i < indices.length; i++) into[indices[i]]++;
  return into;
}

/**
 * 11-point mAP of one model's scores over any multiset of its test images, in O(n) per class: each class's
 * ranking of the test set is sorted once; a resample then only walks it with the draw counts (the paired
 * bootstrap of a VOC-size test set would otherwise sort 20 classes × 5,000 images per resample).
 */
class RankedMap11 {
  private readonly order: Int32Array[];
  /** Scratch space for one class's ranking, grown to the largest multiset seen. */
  private precision: Float64Array;
  private recall: Float64Array;

  constructor(
    scores: ArrayLike<number>,
    private readonly targets: ArrayLike<number>,
    private readonly n: number,
    private readonly k: number,
  ) {
    this.order = Array.from({ length: k }, (_, c) =>
      Int32Array.from({ length: n }, (_, i) => i).sort(
        (a, b) => scores[b * k + c] - scores[a * k + c] || a - b,
      ),
    );
    this.precision = new Float64Array(n);
    this.recall = new Float64Array(n);
  }

  map(counts: Int32Array): number {
    let total = 0;
    for (let i = 0; i < this.n; i++) total += counts[i];
    if (this.precision.length < total) {
      this.precision = new Float64Array(total);
      this.recall = new Float64Array(total);
    }
    let sum = 0;
    for (let c = 0; c < this.k; c++) sum += this.ap(c, counts, this.precision, this.recall);
    return this.k > 0 ? sum / this.k : 0;
  }

  /**
   * ap11 (core/metrics/voc.ts) of class c over the multiset `counts`, same values bit for bit. Only ranks
   * where a positive arrives are kept: precision falls between them, so the best precision at recall ≥ t is
   * always met at one (ties give the same number), and it is a suffix maximum since recall only grows.
   */
  private ap(c: number, counts: Int32Array, precision: Float64Array, recall: Float64Array): number {
    const { k, targets } = this;
    let rank = 0;
    let tp = 0;
    const order = this.order[c];
    for (let r = 0; r < order.length; r++) {
      const i = order[r];
      const m = counts[i];
      if (m === 0) continue;
      if (targets[i * k + c] > 0) {
        for (let copy = 0; copy < m; copy++) {
          tp++;
          rank++;
          precision[tp - 1] = tp / rank;
        }
      } else rank += m;
    }
    if (tp === 0) return 0;
    for (let j = 0; j < tp; j++) recall[j] = (j + 1) / tp;
    for (let j = tp - 2; j >= 0; j--) if (precision[j + 1] > precision[j]) precision[j] = precision[j + 1];
    let sum = 0;
    let from = 0;
    for (let step = 0; step <= 10; step++) {
      const t = step / 10;
      while (from < tp && recall[from] < t) from++;
      sum += from < tp ? precision[from] : 0;
    }
    return sum / 11;
  }
}

/** 11-point mAP of one model's n × k scores on the test set and each resample. */
export function resampleMap11(
  scores: ArrayLike<number>,
  targets: ArrayLike<number>,
  n: number,
  k: number,
  opts: { seed: number; resamples?: number },
): Resampled {
  if (scores.length !== n * k || targets.length !== n * k)
    throw new RangeError('scores and targets must be n × k');
  const ranked = new RankedMap11(scores, targets, n, k);
  const counts = new Int32Array(n);
  return resampleStatistic(n, (idx) => ranked.map(countsOf(idx, n, counts)), {
    seed: opts.seed,
    resamples: opts.resamples ?? BOOTSTRAP_RESAMPLES_MAP,
  });
}

export function bootstrapMap11(
  scoresA: ArrayLike<number>,
  scoresB: ArrayLike<number>,
  targets: ArrayLike<number>,
  n: number,
  k: number,
  opts: { seed: number; resamples?: number },
): BootstrapResult {
  return pairedFromResampled(
    resampleMap11(scoresA, targets, n, k, opts),
    resampleMap11(scoresB, targets, n, k, opts),
  );
}
