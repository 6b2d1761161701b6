// The kNN vote's tie rules (knn-vote.ts), on hand-made similarities where the answer is known.

import { describe, expect, it } from 'vitest';
import { createRng } from '../rng.ts';
import { topNeighbours, votedClass, votesOverK } from './knn-vote.ts';

describe('topNeighbours', () => {
  it('ranks by similarity, equal similarities by training row (lowest first)', () => {
    const sims = Float32Array.from([0.5, 0.9, 0.5, 0.9, 0.1, 0.5]);
    expect(Array.from(topNeighbours(sims, 6, 4))).toEqual([1, 3, 0, 2]);
    expect(Array.from(topNeighbours(sims, 6, 10))).toEqual([1, 3, 0, 2, 5, 4]);
  });

  it('equals a full sort on random data, read with a stride (one column of a chunk)', () => {
    const rng = createRng(4);
    const n = 500;
    const w = 3;
    // Coarse values: many exact ties.
    const sims = Float32Array.from({ length: n * w }, () => Math.round(rng.nextFloat() * 50) / 50);
    for (let t = 0; t < w; t++) {
      const col = Array.from({ length: n }, (_, j) => ({ j, s: sims[j * w + t] }));
      col.sort((a, b) => b.s - a.s || a.j - b.j);
      expect(Array.from(topNeighbours(sims, n, 37, t, w))).toEqual(col.slice(0, 37).map((c) => c.j));
    }
  });
});

describe('votedClass and votesOverK', () => {
  it('picks the lowest class among votes tied within 1e-9 (relative)', () => {
    expect(votedClass(Float64Array.from([1, 3, 3]))).toBe(1);
    expect(votedClass(Float64Array.from([3 * (1 - 1e-12), 1, 3]))).toBe(0);
    expect(votedClass(Float64Array.from([3 * (1 - 1e-6), 1, 3]))).toBe(2);
  });

  it('votes exp(sim / T) over the first k neighbours for each k', () => {
    // Neighbours in rank order: classes 1, 0, 0 with similarities 0.9, 0.8, 0.8 (T = 0.1).
    const labels = Int32Array.from([0, 1, 0]);
    const neighbours = Int32Array.from([1, 0, 2]);
    const sims = [0.9, 0.8, 0.8];
    // k = 1: class 1. k = 3: 2·e^8 > e^9? 2·2981 = 5962 < 8103, so class 1 still wins; at T = 1, class 0.
    expect(votesOverK(neighbours, (r) => sims[r], labels, 2, [1, 3], 0.1)).toEqual([1, 1]);
    expect(votesOverK(neighbours, (r) => sims[r], labels, 2, [1, 3], 1)).toEqual([1, 0]);
  });
});
