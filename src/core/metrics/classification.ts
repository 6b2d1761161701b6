// Accuracy-type metrics over row-major score matrices (n × k). Pure float64 arithmetic.

export type ScoreMatrix = ArrayLike<number>;

/** Index of the largest score in each row (first one wins ties, as numpy's argmax). */
export function argmaxRows(scores: ScoreMatrix, n: number, k: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestValue = scores[i * k];
    for (let j = 1; j < k; j++) {
      const v = scores[i * k + j];
      if (v > bestValue) {
        bestValue = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Fraction of predictions equal to the label. */
export function top1Accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (predicted.length !== labels.length) throw new Error('predictions and labels differ in length');
  if (labels.length === 0) return 0;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct / labels.length;
}

/** confusion[true][predicted] counts. */
export function confusionMatrix(
  predicted: ArrayLike<number>,
  labels: ArrayLike<number>,
  nClasses: number,
): number[][] {
  const m = Array.from({ length: nClasses }, () => new Array<number>(nClasses).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i]][predicted[i]]++;
  return m;
}

/**
 * Mean over classes of per-class recall, over the classes present in `labels` (as the reference code,
 * which averages the diagonal of a confusion matrix normalised by row, over rows with samples).
 */
export function meanPerClassAccuracy(
  predicted: ArrayLike<number>,
  labels: ArrayLike<number>,
  nClasses: number,
): number {
  const m = confusionMatrix(predicted, labels, nClasses);
  let sum = 0;
  let present = 0;
  m.forEach((row, c) => {
    const total = row.reduce((a, b) => a + b, 0);
    if (total > 0) {
      sum += row[c] / total;
      present++;
    }
  });
  return present > 0 ? sum / present : 0;
}

export type AccuracyMetric = 'top1' | 'mean-per-class';

export function accuracyMetric(
  metric: AccuracyMetric,
  predicted: ArrayLike<number>,
  labels: ArrayLike<number>,
  nClasses: number,
): number {
  return metric === 'top1'
    ? top1Accuracy(predicted, labels)
    : meanPerClassAccuracy(predicted, labels, nClasses);
}
