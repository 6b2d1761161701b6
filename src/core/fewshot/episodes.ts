// Seeded few-shot episode sampling: n-way, k-shot, q queries per class, E episodes, from all splits pooled.
// Classes with fewer than k + q images cannot take part; they are reported, not silently dropped.

import { createRng } from '../rng.ts';

export interface EpisodeSpec {
  ways: number;
  shots: number;
  queries: number;
  episodes: number;
  seed: number;
}

export interface EpisodeSet {
  ways: number;
  shots: number;
  queries: number;
  episodes: number;
  /** Row indices, [E][ways][shots] flattened: support[((e * ways) + w) * shots + s]. */
  support: Int32Array;
  /** Row indices, [E][ways][queries] flattened, query of way w at ((e * ways) + w) * queries + q. */
  query: Int32Array;
  /** The dataset class of each way, [E][ways] flattened. */
  classes: Int32Array;
  classesUsed: number[];
  classesSkipped: number[];
}

/** Row indices of each class label, in row order. */
export function rowsByClass(labels: ArrayLike<number>): Map<number, number[]> {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const rows = byClass.get(labels[i]);
    if (rows) rows.push(i);
    else byClass.set(labels[i], [i]);
  }
  return byClass;
}

/**
 * Per episode: choose `ways` distinct eligible classes, then for each class `shots + queries` distinct rows
 * (the first `shots` are support). One RNG stream seeded once, consumed in a fixed order, so a seed gives
 * the same episodes everywhere.
 */
export function sampleEpisodes(labels: ArrayLike<number>, spec: EpisodeSpec): EpisodeSet {
  const { ways, shots, queries, episodes, seed } = spec;
  const byClass = rowsByClass(labels);
  const sortedClasses = [...byClass.keys()].sort((a, b) => a - b);
  const need = shots + queries;
  const eligible = sortedClasses.filter((c) => byClass.get(c)!.length >= need);
  const skipped = sortedClasses.filter((c) => byClass.get(c)!.length < need);
  if (eligible.length < ways) {
    throw new Error(
      `${ways}-way ${shots}-shot needs ${ways} classes with at least ${need} images each; only ${eligible.length} have that`,
    );
  }
  const rng = createRng(seed);
  const support = new Int32Array(episodes * ways * shots);
  const query = new Int32Array(episodes * ways * queries);
  const classes = new Int32Array(episodes * ways);
  for (let e = 0; e < episodes; e++) {
    const picked = rng.choice(eligible.length, ways);
    picked.forEach((classPos, w) => {
      const cls = eligible[classPos];
      const rows = byClass.get(cls)!;
      const chosen = rng.choice(rows.length, need);
      classes[e * ways + w] = cls;
      for (let s = 0; s < shots; s++) support[(e * ways + w) * shots + s] = rows[chosen[s]];
      for (let q = 0; q < queries; q++) query[(e * ways + w) * queries + q] = rows[chosen[shots + q]];
    });
  }
  return {
    ways,
    shots,
    queries,
    episodes,
    support,
    query,
    classes,
    classesUsed: eligible,
    classesSkipped: skipped,
  };
}

/** Mean and 95% interval half-width 1.96·σ/√E with σ the population standard deviation (protocol). */
export function meanAndCi95(values: ArrayLike<number>): { mean: number; ci95: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, ci95: Number.NaN };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (values[i] - mean) ** 2;
  variance /= n;
  return { mean, ci95: (1.96 * Math.sqrt(variance)) / Math.sqrt(n) };
}
