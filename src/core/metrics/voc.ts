// PASCAL VOC2007 11-point interpolated average precision (the multi-label metric of the protocol).

/**
 * AP = mean over recall thresholds t ∈ {0, 0.1, …, 1} of the best precision at recall ≥ t (0 if none).
 * `scores` are decision values for one class; `positive` marks the positives ("difficult" counted negative).
 */
export function ap11(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let nPos = 0;
  for (let i = 0; i < n; i++) if (positive[i]) nPos++;
  if (nPos === 0) return 0;
  const precision: number[] = [];
  const recall: number[] = [];
  let tp = 0;
  order.forEach((idx, rank) => {
    if (positive[idx]) tp++;
    precision.push(tp / (rank + 1));
    recall.push(tp / nPos);
  });
  let sum = 0;
  for (let step = 0; step <= 10; step++) {
    const t = step / 10;
    let best = 0;
    for (let i = 0; i < n; i++) if (recall[i] >= t && precision[i] > best) best = precision[i];
    sum += best;
  }
  return sum / 11;
}

/** Mean of ap11 over classes; `scores` and `targets` are row-major n × k (targets 0/1). */
export function map11(scores: ArrayLike<number>, targets: ArrayLike<number>, n: number, k: number): number {
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const s = new Float64Array(n);
    const p = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = scores[i * k + c];
      p[i] = targets[i * k + c] > 0 ? 1 : 0;
    }
    sum += ap11(s, p);
  }
  return k > 0 ? sum / k : 0;
}
