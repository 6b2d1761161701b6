// The paired tests against scipy / scikit-learn (scripts/fixtures/stats_reference.py), to 1e-9, on random
// and edge-case inputs: no discordant pairs, all discordant, ties, identical models, certain differences.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { map11 } from '../metrics/voc.ts';
import { createRng } from '../rng.ts';
import {
  binomialCdfHalf,
  bootstrapMap11,
  bootstrapMeanPerClass,
  holmAdjust,
  map11Of,
  mcnemarExact,
  mcnemarFromCounts,
  pairedTTest,
  regularizedBeta,
} from './index.ts';

const PYTHON = '/usr/bin/python3';
const referenceMissing =
  spawnSync(PYTHON, ['-c', 'import scipy.stats, numpy, sklearn'], { encoding: 'utf8' }).status !== 0;
if (referenceMissing)
  console.warn(`\n!!! stats scipy cross-check SKIPPED: ${PYTHON} cannot import scipy, numpy and sklearn\n`);

const TOL = 1e-9;

const bits = (n: number, p: number, seed: number) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => (rng.nextFloat() < p ? 1 : 0));
};
const ints = (n: number, k: number, seed: number) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.nextInt(k));
};
/** Few-shot-like episode accuracies: multiples of 1/75 (5 ways × 15 queries), many ties. */
const episodes = (n: number, mean: number, seed: number) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    let right = 0;
    for (let q = 0; q < 75; q++) if (rng.nextFloat() < mean) right++;
    return right / 75;
  });
};

const MCNEMAR_COUNTS: [number, number][] = [
  [0, 0], // no discordant pairs
  [0, 1],
  [1, 1],
  [0, 5],
  [5, 0],
  [10, 10], // a tie
  [3, 17],
  [17, 3],
  [40, 60],
  [500, 560],
  [2000, 2100],
  [0, 1200], // far past float underflow of 2^-n
];

const allDiscordantA = [1, 1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 1];
const allDiscordantB = allDiscordantA.map((x) => 1 - x);

const TTEST_CASES: [number[], number[]][] = [
  [episodes(600, 0.62, 1), episodes(600, 0.6, 2)],
  [episodes(600, 0.5, 3), episodes(600, 0.5, 4)],
  [episodes(40, 0.8, 5), episodes(40, 0.7, 6)],
  [
    [0.5, 0.6],
    [0.4, 0.3],
  ], // two pairs: df = 1
  [
    [1, 0, 1, 0, 1],
    [0, 0, 1, 1, 1],
  ], // many ties
];

const HOLM_CASES = [
  [0.01, 0.04, 0.03, 0.005],
  [0.2, 0.2, 0.01, 0.5, 0.9, 0.04], // ties
  [0.5, 0.6, 0.7], // capped at 1
  [1e-12, 0.049, 0.025],
  [0.3],
];

const mpcCase = (n: number, k: number, pA: number, pB: number, seed: number, resamples: number) => ({
  correctA: bits(n, pA, seed),
  correctB: bits(n, pB, seed + 100),
  labels: ints(n, k, seed + 200),
  k,
  seed,
  resamples,
});
const MPC_CASES = [
  mpcCase(200, 5, 0.7, 0.6, 11, 2000),
  mpcCase(150, 8, 0.5, 0.5, 12, 1500),
  mpcCase(90, 3, 0.9, 0.85, 13, 1500),
  // identical models: d = 0, so every resample is "as extreme": p = 1
  (() => {
    const c = mpcCase(80, 4, 0.6, 0.6, 14, 500);
    return { ...c, correctB: c.correctA };
  })(),
  // A always right, B always wrong: every resample gives d* = d = 1, none as far from d as d from 0
  (() => {
    const c = mpcCase(60, 3, 1, 0, 15, 500);
    return { ...c, correctA: c.correctA.map(() => 1), correctB: c.correctB.map(() => 0) };
  })(),
];

const mapCase = (n: number, k: number, seed: number, resamples: number) => {
  const rng = createRng(seed);
  const targets = Array.from({ length: n * k }, () => (rng.nextFloat() < 0.3 ? 1 : 0));
  // A's scores follow the targets more closely than B's; some scores tie (rounded to 0.1).
  const scoresA = targets.map((t) => Math.round((t * 0.6 + rng.nextFloat()) * 10) / 10);
  const scoresB = targets.map((t) => Math.round((t * 0.3 + rng.nextFloat()) * 10) / 10);
  return { scoresA, scoresB, targets, n, k, seed, resamples };
};
const MAP_CASES = [mapCase(60, 4, 21, 300), mapCase(40, 3, 22, 300)];

interface Reference {
  mcnemar: number[];
  ttest: { t: number; p: number }[];
  holm: number[][];
  bootMpc: { difference: number; p: number }[];
  bootMap: { difference: number; p: number }[];
}

function reference(): Reference {
  const input = JSON.stringify({
    mcnemar: [...MCNEMAR_COUNTS, [7, 5]],
    ttest: TTEST_CASES,
    holm: HOLM_CASES,
    bootMpc: MPC_CASES,
    bootMap: MAP_CASES,
  });
  const r = spawnSync(PYTHON, ['scripts/fixtures/stats_reference.py'], { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`stats_reference.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe.skipIf(referenceMissing)('paired tests equal scipy / scikit-learn to 1e-9', () => {
  const ref = referenceMissing ? null : reference();

  it("McNemar's exact p equals scipy.stats.binomtest on the discordant pairs", () => {
    MCNEMAR_COUNTS.forEach(([b, c], i) => {
      expect(Math.abs(mcnemarFromCounts(b, c).pValue - ref!.mcnemar[i]), `${b}/${c}`).toBeLessThan(TOL);
    });
    // all pairs discordant (7 only-A, 5 only-B), counted from correctness vectors
    const m = mcnemarExact(allDiscordantA, allDiscordantB);
    expect([m.onlyA, m.onlyB, m.statistic]).toEqual([7, 5, 5]);
    expect(Math.abs(m.pValue - ref!.mcnemar[MCNEMAR_COUNTS.length])).toBeLessThan(TOL);
  });

  it('the paired t-test equals scipy.stats.ttest_rel (t and p)', () => {
    TTEST_CASES.forEach(([a, b], i) => {
      const t = pairedTTest(a, b);
      expect(Math.abs(t.statistic - ref!.ttest[i].t) / Math.max(1, Math.abs(ref!.ttest[i].t))).toBeLessThan(
        TOL,
      );
      expect(Math.abs(t.pValue - ref!.ttest[i].p), `case ${i}`).toBeLessThan(TOL);
    });
  });

  it("Holm's correction equals statsmodels' multipletests(method='holm')", () => {
    HOLM_CASES.forEach((p, i) => {
      holmAdjust(p).forEach((x, j) => {
        expect(Math.abs(x - ref!.holm[i][j])).toBeLessThan(TOL);
      });
    });
  });

  it('the paired bootstrap of mean per-class accuracy equals the reference (sklearn balanced accuracy)', () => {
    MPC_CASES.forEach((c, i) => {
      const r = bootstrapMeanPerClass(c.correctA, c.correctB, c.labels, c.k, c);
      expect(Math.abs(r.difference - ref!.bootMpc[i].difference), `case ${i}`).toBeLessThan(TOL);
      expect(Math.abs(r.pValue - ref!.bootMpc[i].p), `case ${i}`).toBeLessThan(TOL);
    });
    expect(ref!.bootMpc[3].p).toBe(1);
    expect(ref!.bootMpc[4].p).toBeCloseTo(1 / 501, 15);
  });

  it("the paired bootstrap of 11-point mAP equals the reference (the paper's VOC AP in numpy)", () => {
    MAP_CASES.forEach((c, i) => {
      const r = bootstrapMap11(c.scoresA, c.scoresB, c.targets, c.n, c.k, c);
      expect(Math.abs(r.difference - ref!.bootMap[i].difference), `case ${i}`).toBeLessThan(TOL);
      expect(Math.abs(r.pValue - ref!.bootMap[i].p), `case ${i}`).toBeLessThan(TOL);
    });
  });
});

describe('edge cases with known answers (no reference needed)', () => {
  it("map11Of over the whole test set is the record's map11, bit for bit, ties included", () => {
    for (const c of MAP_CASES) {
      const all = Array.from({ length: c.n }, (_, i) => i);
      expect(map11Of(c.scoresA, c.targets, c.k, all)).toBe(map11(c.scoresA, c.targets, c.n, c.k));
    }
    // An image drawn twice counts twice: two copies of a positive ranked first.
    expect(map11Of([0.9, 0.1], [1, 0], 1, [0, 0, 1])).toBe(1);
  });

  it('McNemar: no discordant pairs gives p = 1; one-sided extremes follow 2 · 2^-n', () => {
    expect(mcnemarFromCounts(0, 0).pValue).toBe(1);
    expect(mcnemarFromCounts(0, 10).pValue).toBeCloseTo(2 * 2 ** -10, 15);
    expect(mcnemarFromCounts(10, 10).pValue).toBe(1);
    expect(binomialCdfHalf(3, 4)).toBeCloseTo(15 / 16, 15);
  });

  it('paired t: every difference 0 gives p = 1 (scipy: NaN); a constant non-zero difference p = 0', () => {
    expect(pairedTTest([0.5, 0.6, 0.7], [0.5, 0.6, 0.7])).toEqual({
      difference: 0,
      statistic: 0,
      df: 2,
      pValue: 1,
    });
    const certain = pairedTTest([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]);
    expect(certain.pValue).toBe(0);
    expect(certain.statistic).toBe(Number.POSITIVE_INFINITY);
    expect(() => pairedTTest([1], [0])).toThrow(RangeError);
  });

  it('the incomplete beta gives the closed forms I_x(1, 1) = x and I_x(a, 1) = x^a', () => {
    expect(regularizedBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
    expect(regularizedBeta(0.7, 3, 1)).toBeCloseTo(0.343, 14);
  });

  it('the bootstrap is reproducible for a seed and differs across seeds', () => {
    const c = MPC_CASES[0];
    const a = bootstrapMeanPerClass(c.correctA, c.correctB, c.labels, c.k, { seed: 1, resamples: 300 });
    const b = bootstrapMeanPerClass(c.correctA, c.correctB, c.labels, c.k, { seed: 1, resamples: 300 });
    const d = bootstrapMeanPerClass(c.correctA, c.correctB, c.labels, c.k, { seed: 2, resamples: 300 });
    expect(a).toEqual(b);
    expect(d.pValue).not.toBe(a.pValue);
  });
});
