// The weighted vote of DINO's kNN classifier (eval_knn.py), with every tie broken by a rule, so that two
// implementations given the same similarities predict the same class for every test image:
//   1. neighbours: the training images ranked by similarity, highest first; EQUAL similarities (as float32
//      values) are ranked by training-row index, lowest first;
//   2. weights exp(sim / T) in float64 (DINO: float32), summed per class in float64 in rank order;
//   3. the prediction is the lowest class index whose summed weight is within a relative 1e-9 of the largest
//      (so a last-bit difference of exp() between runtimes cannot flip a vote).
// scripts/fixtures/knn_reference.py implements the same rule in numpy.

import { exp } from '../math/fdlibm.ts';

/** Relative vote margin under which two classes count as tied (rule 3). */
export const VOTE_TIE_RELATIVE = 1e-9;

/**
 * The `kMax` most similar training rows of one test image (rule 1), from `sims`, its similarities to every
 * training row (read at sims[offset + j * stride]). Returns row indices, most similar first.
 */
export function topNeighbours(
  sims: Float32Array,
  nTrain: number,
  kMax: number,
  offset = 0,
  stride = 1,
): Int32Array {
  const k = Math.min(kMax, nTrain);
  if (k <= 0) return new Int32Array(0);
  // A min-heap of the best k so far (root = the worst kept); a ranks below b: lower similarity, or equal
  // similarity and higher row.
  const idx = new Int32Array(k);
  const val = new Float32Array(k);
  const below = (i: number, j: number) => val[i] < val[j] || (val[i] === val[j] && idx[i] > idx[j]);
  const swap = (i: number, j: number) => {
    const ti = idx[i];
    idx[i] = idx[j];
    idx[j] = ti;
    const tv = val[i];
    val[i] = val[j];
    val[j] = tv;
  };
  for (let j = 0; j < k; j++) {
    idx[j] = j;
    val[j] = sims[offset + j * stride];
    for (let i = j; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!below(i, p)) break;
      swap(i, p);
      i = p;
    }
  }
  for (let j = k; j < nTrain; j++) {
    const s = sims[offset + j * stride];
    // Rows come in increasing order, so a row whose similarity equals the root's ranks below it: skip.
    if (!(s > val[0])) continue;
    idx[0] = j;
    val[0] = s;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < k && below(l, m)) m = l;
      if (r < k && below(r, m)) m = r;
      if (m === i) break;
      swap(i, m);
      i = m;
    }
  }
  const order = Array.from({ length: k }, (_, i) => i).sort((a, b) =>
    below(a, b) ? 1 : below(b, a) ? -1 : 0,
  );
  return Int32Array.from(order, (i) => idx[i]);
}

/** Rule 3: the lowest class index whose vote is within VOTE_TIE_RELATIVE of the largest. */
export function votedClass(votes: Float64Array): number {
  let best = 0;
  for (let c = 1; c < votes.length; c++) if (votes[c] > votes[best]) best = c;
  const floor = votes[best] - Math.abs(votes[best]) * VOTE_TIE_RELATIVE;
  for (let c = 0; c < votes.length; c++) if (votes[c] >= floor) return c;
  return best;
}

/**
 * Predictions of one test image for each k of `ks` (ascending), from its ranked neighbours: the vote over
 * the first min(k, neighbours) of them.
 */
export function votesOverK(
  neighbours: Int32Array,
  neighbourSims: (rank: number) => number,
  trainLabels: Int32Array,
  nClasses: number,
  ks: readonly number[],
  temperature: number,
): number[] {
  const votes = new Float64Array(nClasses);
  const out: number[] = [];
  let rank = 0;
  for (const k of ks) {
    const upto = Math.min(k, neighbours.length);
    for (; rank < upto; rank++)
      votes[trainLabels[neighbours[rank]]] += exp(neighbourSims(rank) / temperature);
    out.push(votedClass(votes));
  }
  return out;
}
