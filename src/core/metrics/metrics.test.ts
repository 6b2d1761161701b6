import { describe, expect, it } from 'vitest';
import { createRng } from '../rng.ts';
import { brier, ece, nll, reliabilityBins, softmaxRows } from './calibration.ts';
import { argmaxRows, confusionMatrix, meanPerClassAccuracy, top1Accuracy } from './classification.ts';
import { averageRanks, logit, pearson, spearman } from './correlation.ts';
import { ap11, map11 } from './voc.ts';

function randomLogits(
  n: number,
  k: number,
  seed: number,
  scale: number,
): { logits: Float64Array; labels: Int32Array } {
  const rng = createRng(seed);
  const logits = Float64Array.from({ length: n * k }, () => (rng.nextFloat() - 0.5) * scale);
  const labels = Int32Array.from({ length: n }, () => rng.nextInt(k));
  return { logits, labels };
}

describe('classification metrics', () => {
  it('top-1, mean per-class accuracy and the confusion matrix on a worked example', () => {
    const pred = [0, 0, 1, 1, 2];
    const labels = [0, 1, 1, 1, 2];
    expect(top1Accuracy(pred, labels)).toBeCloseTo(0.8, 15);
    expect(meanPerClassAccuracy(pred, labels, 3)).toBeCloseTo((1 + 2 / 3 + 1) / 3, 15);
    expect(confusionMatrix(pred, labels, 3)).toEqual([
      [1, 0, 0],
      [1, 2, 0],
      [0, 0, 1],
    ]);
  });

  it('mean per-class accuracy averages only over classes present', () => {
    expect(meanPerClassAccuracy([0, 1], [0, 0], 5)).toBe(0.5);
  });

  it('argmax keeps the first maximum on ties, like numpy', () => {
    expect(Array.from(argmaxRows([1, 3, 3, 0, 0, 0], 2, 3))).toEqual([1, 0]);
  });
});

describe('VOC07 11-point AP', () => {
  it('matches the hand-computed value', () => {
    // Ranked: TP (P 1, R .5), FP, TP (P 2/3, R 1), FP: thresholds 0–.5 → 1, .6–1 → 2/3.
    expect(ap11([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0])).toBeCloseTo((6 + 5 * (2 / 3)) / 11, 15);
    expect(ap11([0.1, 0.2], [0, 0])).toBe(0);
  });

  it('mAP is the mean over classes', () => {
    const scores = [0.9, 0.1, 0.8, 0.2, 0.7, 0.3, 0.6, 0.4];
    const targets = [1, 0, 0, 1, 1, 0, 0, 1];
    const a = ap11([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0]);
    const b = ap11([0.1, 0.2, 0.3, 0.4], [0, 1, 0, 1]);
    expect(map11(scores, targets, 4, 2)).toBeCloseTo((a + b) / 2, 15);
  });
});

describe('calibration metrics', () => {
  const { logits, labels } = randomLogits(500, 7, 11, 12);
  const k = 7;
  const n = labels.length;

  it('NLL and Brier equal the textbook formulas', () => {
    let nllRef = 0;
    let brierRef = 0;
    for (let i = 0; i < n; i++) {
      const row = Array.from(logits.subarray(i * k, (i + 1) * k));
      const z = row.reduce((a, b) => a + Math.exp(b), 0);
      nllRef -= Math.log(Math.exp(row[labels[i]]) / z);
      row.forEach((v, j) => {
        brierRef += (Math.exp(v) / z - (j === labels[i] ? 1 : 0)) ** 2;
      });
    }
    expect(Math.abs(nll(logits, labels, k) - nllRef / n)).toBeLessThan(1e-12);
    expect(Math.abs(brier(softmaxRows(logits, n, k), labels, k) - brierRef / n)).toBeLessThan(1e-12);
  });

  it('ECE equals the Guo et al. formula with 15 bins (lower < conf ≤ upper)', () => {
    const probs = softmaxRows(logits, n, k);
    const conf: number[] = [];
    const hit: number[] = [];
    for (let i = 0; i < n; i++) {
      const row = Array.from(probs.subarray(i * k, (i + 1) * k));
      const best = row.indexOf(Math.max(...row));
      conf.push(row[best]);
      hit.push(best === labels[i] ? 1 : 0);
    }
    let ref = 0;
    for (let b = 0; b < 15; b++) {
      const inBin = conf.map((c, i) => (c > b / 15 && c <= (b + 1) / 15 ? i : -1)).filter((i) => i >= 0);
      if (inBin.length === 0) continue;
      const acc = inBin.reduce((s, i) => s + hit[i], 0) / inBin.length;
      const avg = inBin.reduce((s, i) => s + conf[i], 0) / inBin.length;
      ref += (inBin.length / n) * Math.abs(avg - acc);
    }
    expect(Math.abs(ece(probs, labels, k) - ref)).toBeLessThan(1e-12);
    const bins = reliabilityBins(probs, labels, k);
    expect(bins).toHaveLength(15);
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(n);
  });

  it('softmax handles huge logits without overflow', () => {
    const p = softmaxRows([1000, 1000, -1000], 1, 3);
    expect(Array.from(p)).toEqual([0.5, 0.5, 0]);
    expect(nll([1000, 0], [0], 2)).toBe(0);
  });
});

describe('correlation', () => {
  it('Pearson on a worked example', () => {
    expect(pearson([1, 2, 3, 4], [2, 4, 5, 4])).toBeCloseTo(3.5 / Math.sqrt(23.75), 15);
  });

  it('Spearman uses average ranks for ties (scipy.stats.spearmanr)', () => {
    expect(Array.from(averageRanks([10, 20, 20, 30]))).toEqual([1, 2.5, 2.5, 4]);
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(4.5 / Math.sqrt(22.5), 15);
  });

  it('logit transform', () => {
    expect(logit(0.7)).toBeCloseTo(Math.log(0.7 / 0.3), 15);
  });
});
