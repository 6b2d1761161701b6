// Wording of the correlation view's numbers: r with its interval, and the scope of a per-setting mean.

import { pearsonInterval95 } from '../core/correlation/interval.ts';

const fixed2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

/** "mean of 1 dataset", "mean of 3 datasets". */
export function meanOfDatasets(n: number): string {
  return `mean of ${n} dataset${n === 1 ? '' : 's'}`;
}

/** "0.62 [0.10, 0.88]", or the reason there is no interval. */
export function pearsonText(pearson: number, models: number): string {
  const ci = pearsonInterval95(pearson, models);
  if (ci === null) {
    return Number.isFinite(pearson) ? `${fixed2(pearson)} (no interval below 4 models)` : 'n/a';
  }
  return `${fixed2(pearson)} [${fixed2(ci.low)}, ${fixed2(ci.high)}]`;
}
