// McNemar's exact test on paired per-image correctness: of the images exactly one model got right
// (the discordant pairs), is the split between the two models compatible with a fair coin?
// Same p-value as statsmodels' mcnemar(table, exact=True) and scipy.stats.binomtest(b, b + c, 0.5).

// fdlibm's exp/log: Math's differ in the last bit between Node and browsers, and p-values reach the
// record (docs/determinism.md).
import { exp, log } from '../math/fdlibm.ts';

export interface McNemarResult {
  /** Images only model A got right. */
  onlyA: number;
  /** Images only model B got right. */
  onlyB: number;
  /** statsmodels' statistic for the exact test: min(onlyA, onlyB). */
  statistic: number;
  /** Two-sided exact p-value; 1 when there are no discordant pairs (no evidence either way). */
  pValue: number;
}

/** Counts discordant pairs of two aligned 0/1 correctness vectors and tests them. */
export function mcnemarExact(correctA: ArrayLike<number>, correctB: ArrayLike<number>): McNemarResult {
  if (correctA.length !== correctB.length) throw new RangeError('McNemar needs paired vectors of one length');
  let onlyA = 0;
  let onlyB = 0;
  for (let i = 0; i < correctA.length; i++) {
    const a = correctA[i] ? 1 : 0;
    const b = correctB[i] ? 1 : 0;
    if (a > b) onlyA++;
    else if (b > a) onlyB++;
  }
  return mcnemarFromCounts(onlyA, onlyB);
}

export function mcnemarFromCounts(onlyA: number, onlyB: number): McNemarResult {
  const statistic = Math.min(onlyA, onlyB);
  const pValue = Math.min(1, 2 * binomialCdfHalf(statistic, onlyA + onlyB));
  return { onlyA, onlyB, statistic, pValue };
}

/**
 * P(X ≤ m) for X ~ Binomial(n, 1/2), m ≤ n/2. Summed relative to the largest term (the terms grow up to m),
 * then scaled by C(n, m) / 2^n in log space, so nothing under- or overflows for any n.
 */
export function binomialCdfHalf(m: number, n: number): number {
  if (n === 0) return 1;
  if (m >= n) return 1;
  // Above the middle the terms would grow towards the mode: use the symmetric upper tail instead.
  if (2 * m > n) return 1 - binomialCdfHalf(n - m - 1, n);
  let term = 1;
  let sum = 1;
  for (let i = m; i > 0; i--) {
    term *= i / (n - i + 1); // C(n, i-1) / C(n, i)
    sum += term;
    if (term < 1e-18 * sum) break;
  }
  let logChoose = 0;
  for (let i = 1; i <= m; i++) logChoose += log((n - m + i) / i);
  return Math.min(1, sum * exp(logChoose - n * Math.LN2));
}
