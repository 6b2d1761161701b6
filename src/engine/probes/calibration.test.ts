import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.ts';
import { calibrateByTestCv, calibrateOnValidation, fitTemperature } from './calibration.ts';

/**
 * Labels drawn from softmax(z) make z perfectly calibrated; multiplying z by `overconfidence` makes the
 * model over-confident, and the NLL-optimal temperature is then close to that factor.
 */
function overconfident(n: number, k: number, seed: number, overconfidence: number) {
  const rng = createRng(seed);
  const logits = new Float64Array(n * k);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: k }, () => (rng.nextFloat() - 0.5) * 6);
    const p = z.map(Math.exp);
    const sum = p.reduce((a, b) => a + b, 0);
    let u = rng.nextFloat() * sum;
    let label = 0;
    while (label < k - 1 && u >= p[label]) u -= p[label++];
    labels[i] = label;
    for (let j = 0; j < k; j++) logits[i * k + j] = z[j] * overconfidence;
  }
  return { logits, labels };
}

/** Independent reference: NLL by the direct formula, minimised over T by golden-section search. */
function referenceTemperature(logits: Float64Array, labels: Int32Array, k: number): number {
  const nllAt = (t: number): number => {
    let total = 0;
    for (let i = 0; i < labels.length; i++) {
      const row = Array.from(logits.subarray(i * k, (i + 1) * k), (v) => v / t);
      const max = Math.max(...row);
      total += Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) + max - row[labels[i]];
    }
    return total / labels.length;
  };
  let a = 0.05;
  let b = 50;
  const r = (Math.sqrt(5) - 1) / 2;
  while (b - a > 1e-10) {
    const c = b - r * (b - a);
    const d = a + r * (b - a);
    if (nllAt(c) < nllAt(d)) b = d;
    else a = c;
  }
  return (a + b) / 2;
}

describe('temperature scaling', () => {
  const k = 10;
  const val = overconfident(2000, k, 1, 3);
  const test = overconfident(2000, k, 2, 3);

  it('fits the same T as an independent golden-section search on the NLL (1e-6)', () => {
    const t = fitTemperature(val.logits, val.labels, k);
    expect(Math.abs(t - referenceTemperature(val.logits, val.labels, k))).toBeLessThan(1e-6);
    expect(t).toBeGreaterThan(2.5);
    expect(t).toBeLessThan(3.5);
  });

  it('lowers ECE and NLL of over-confident logits (fitted on validation)', () => {
    const report = calibrateOnValidation(test, val, k);
    expect(report.before.ece).toBeGreaterThan(0.1);
    expect(report.after.ece).toBeLessThan(report.before.ece / 3);
    expect(report.after.nll).toBeLessThan(report.before.nll);
    expect(report.after.brier).toBeLessThan(report.before.brier);
    expect(report.after.bins.reduce((s, b) => s + b.count, 0)).toBe(2000);
  });

  it("the paper's 5-fold CV on test also lowers ECE, with one T per fold", () => {
    const report = calibrateByTestCv(test, k, 5, 0);
    expect(report.foldTemperatures).toHaveLength(5);
    for (const t of report.foldTemperatures!) expect(Math.abs(t - 3)).toBeLessThan(0.6);
    expect(report.degenerateFits).toBe(0);
    expect(report.after.ece).toBeLessThan(report.before.ece / 3);
    // Every test row is measured by the four folds it was not fitted on.
    expect(report.after.bins.reduce((s, b) => s + b.count, 0)).toBe(4 * 2000);
  });

  it('flags fits where every prediction is correct (NLL has no minimum over T)', () => {
    const logits = Float64Array.from([5, 0, 0, 4, 3, 0]);
    const labels = Int32Array.from([0, 1, 0]);
    const report = calibrateOnValidation({ logits, labels }, { logits, labels }, 2);
    expect(report.degenerateFits).toBe(1);
    expect(report.temperature).toBeCloseTo(1e-3, 6);
  });

  it('leaves well-calibrated logits nearly alone (T ≈ 1)', () => {
    const calibrated = overconfident(3000, k, 5, 1);
    expect(Math.abs(fitTemperature(calibrated.logits, calibrated.labels, k) - 1)).toBeLessThan(0.1);
  });
});
