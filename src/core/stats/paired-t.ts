// Paired t-test over few-shot episodes. Episodes are drawn from the seed and the dataset's labels only,
// so two models evaluated with one seed on the same images meet exactly the same episodes: episode i of
// model A and episode i of model B form a pair. Same t and p as scipy.stats.ttest_rel(a, b).

import { studentTwoSidedP } from './special.ts';

export interface PairedTResult {
  /** Mean of a − b. */
  difference: number;
  /** t statistic (0 when every difference is 0). */
  statistic: number;
  df: number;
  /** Two-sided p; 1 when every difference is exactly 0 (scipy returns NaN there: no evidence either way). */
  pValue: number;
}

export function pairedTTest(a: ArrayLike<number>, b: ArrayLike<number>): PairedTResult {
  const n = a.length;
  if (b.length !== n) throw new RangeError('a paired t-test needs two vectors of one length');
  if (n < 2) throw new RangeError('a paired t-test needs at least two pairs');
  let mean = 0;
  for (let i = 0; i < n; i++) mean += a[i] - b[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i] - mean;
    ss += d * d;
  }
  const df = n - 1;
  const sd = Math.sqrt(ss / df);
  if (sd === 0) {
    // Every pair differs by the same amount: a certain difference, or none at all.
    if (mean === 0) return { difference: 0, statistic: 0, df, pValue: 1 };
    const statistic = mean > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    return { difference: mean, statistic, df, pValue: 0 };
  }
  const statistic = mean / (sd / Math.sqrt(n));
  return { difference: mean, statistic, df, pValue: studentTwoSidedP(statistic, df) };
}
