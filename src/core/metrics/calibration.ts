// Calibration metrics on logits: softmax, NLL, Brier, top-label ECE and reliability-diagram bins.
// All in float64 with the log-sum-exp trick, so large logits do not overflow; exp/log are the lab's own
// (core/math/fdlibm.ts) so that the CLI and the browser give the same bits.

import { exp, log } from '../math/fdlibm.ts';

/** Row-wise softmax of logits / temperature, as float64. */
export function softmaxRows(logits: ArrayLike<number>, n: number, k: number, temperature = 1): Float64Array {
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, logits[i * k + j] / temperature);
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const e = exp(logits[i * k + j] / temperature - max);
      out[i * k + j] = e;
      sum += e;
    }
    for (let j = 0; j < k; j++) out[i * k + j] /= sum;
  }
  return out;
}

/** Mean negative log-likelihood of the labels under softmax(logits / T). */
export function nll(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  k: number,
  temperature = 1,
): number {
  const n = labels.length;
  if (n === 0) return 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, logits[i * k + j] / temperature);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += exp(logits[i * k + j] / temperature - max);
    total += max + log(sum) - logits[i * k + labels[i]] / temperature;
  }
  return total / n;
}

/** Mean over samples of Σ_j (p_j − onehot_j)² (the multi-class Brier score, range [0, 2]). */
export function brier(probs: ArrayLike<number>, labels: ArrayLike<number>, k: number): number {
  const n = labels.length;
  if (n === 0) return 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const d = probs[i * k + j] - (j === labels[i] ? 1 : 0);
      total += d * d;
    }
  }
  return total / n;
}

export interface ReliabilityBin {
  lower: number;
  upper: number;
  /** Mean top-label confidence in the bin (0 when empty). */
  confidence: number;
  /** Fraction correct in the bin (0 when empty). */
  accuracy: number;
  count: number;
}

/**
 * Equal-width top-label confidence bins over (0, 1]: bin b holds lower < conf ≤ upper
 * (the convention of Guo et al.'s reference ECE code, which the paper's numbers follow).
 */
export function reliabilityBins(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  k: number,
  nBins = 15,
): ReliabilityBin[] {
  const confSum = new Float64Array(nBins);
  const correct = new Float64Array(nBins);
  const count = new Float64Array(nBins);
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (probs[i * k + j] > probs[i * k + best]) best = j;
    const conf = probs[i * k + best];
    // ceil(conf·B) − 1 puts conf exactly on an upper edge into that bin; clamp conf = 0 into bin 0.
    const b = Math.min(nBins - 1, Math.max(0, Math.ceil(conf * nBins) - 1));
    confSum[b] += conf;
    correct[b] += best === labels[i] ? 1 : 0;
    count[b]++;
  }
  return Array.from({ length: nBins }, (_, b) => ({
    lower: b / nBins,
    upper: (b + 1) / nBins,
    confidence: count[b] > 0 ? confSum[b] / count[b] : 0,
    accuracy: count[b] > 0 ? correct[b] / count[b] : 0,
    count: count[b],
  }));
}

/** Expected calibration error: Σ_b (n_b / n) · |accuracy_b − confidence_b| (a fraction; ×100 for %). */
export function eceFromBins(bins: ReliabilityBin[]): number {
  const n = bins.reduce((a, b) => a + b.count, 0);
  if (n === 0) return 0;
  return bins.reduce((sum, b) => sum + (b.count / n) * Math.abs(b.accuracy - b.confidence), 0);
}

export function ece(probs: ArrayLike<number>, labels: ArrayLike<number>, k: number, nBins = 15): number {
  return eceFromBins(reliabilityBins(probs, labels, k, nBins));
}
