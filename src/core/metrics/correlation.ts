// Correlations across models (ImageNet accuracy vs transfer scores), and the logit transform the paper
// applies to bounded scores before correlating.

/** Means and centred sums of squares and products of paired samples (the pieces of r and of a fitted line). */
export function centredMoments(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): { mx: number; my: number; sxx: number; syy: number; sxy: number } {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return { mx, my, sxx, syy, sxy };
}

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new Error('pearson: x and y differ in length');
  if (x.length < 2) return Number.NaN;
  const { sxx, syy, sxy } = centredMoments(x, y);
  return sxy / Math.sqrt(sxx * syy);
}

/** 1-based ranks; tied values get the average of the ranks they span (scipy.stats.rankdata 'average'). */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  let start = 0;
  while (start < n) {
    let end = start;
    while (end + 1 < n && values[order[end + 1]] === values[order[start]]) end++;
    const rank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) ranks[order[i]] = rank;
    start = end + 1;
  }
  return ranks;
}

/** Spearman's ρ: Pearson correlation of the average ranks. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return pearson(averageRanks(x), averageRanks(y));
}

/** log(p / (1 − p)) for a score bounded in [0, 1] (accuracy 0.7 → log(0.7/0.3)). */
export function logit(p: number): number {
  return Math.log(p / (1 - p));
}
