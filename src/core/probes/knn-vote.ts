// The weighted vote of DINO's kNN classifier (eval_knn.py), with every tie broken by a rule, so that two
// implementations given the same similarities predict the same class for every test image:
//   1. neighbours: the training images ranked by similarity, highest first; EQUAL similarities (as float32
//      values) are ranked by training-row index, lowest first;
//   2. weights exp(sim / T) in float64 (DINO: float32), summed per class in float64 in rank order;
//   3. the prediction is the lowest class index whose summed weight is within a relative 1e-9 of the largest
//      (so a last-bit difference of exp() between runtimes cannot flip a vote).
// scripts/fixtures/knn_reference.py implements the same rule in numpy.

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
  // A min-heap of the best k so far: its root is the worst kept neighbour.
  const heap = new Int32Array(k);
  const sim = (j: number) => sims[offset + j * stride];
  // a ranks below b: lower similarity, or equal similarity and higher index.
  const below = (a: number, b: number) => sim(a) < sim(b) || (sim(a) === sim(b) && a > b);
  let size = 0;
  const siftDown = (from: number) => {
    let i = from;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && below(heap[l], heap[m])) m = l;
      if (r < size && below(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (let j = 0; j < nTrain; j++) {
    if (size < k) {
      heap[size] = j;
      let i = size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!below(heap[i], heap[p])) break;
        [heap[i], heap[p]] = [heap[p], heap[i]];
        i = p;
      }
    } else if (k > 0 && below(heap[0], j)) {
      heap[0] = j;
      siftDown(0);
    }
  }
  return Int32Array.from(heap).sort((a, b) => (below(a, b) ? 1 : below(b, a) ? -1 : 0));
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
      votes[trainLabels[neighbours[rank]]] += Math.exp(neighbourSims(rank) / temperature);
    out.push(votedClass(votes));
  }
  return out;
}
