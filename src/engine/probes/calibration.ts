// Temperature scaling (Guo et al. 2017) for the linear probe's logits: one scalar T minimising the NLL of
// softmax(z / T), fitted on validation (default) or by the paper's 5-fold cross-validation on test (fit on
// one fold, measure on the other four, average). A 1-D problem over logits already on the host, so it runs
// in float64 here rather than on the device: exact enough to match reference formulas to 1e-6.

import { exp } from '../../core/math/fdlibm.ts';
import {
  brier,
  eceFromBins,
  nll,
  type ReliabilityBin,
  reliabilityBins,
  softmaxRows,
} from '../../core/metrics/calibration.ts';
import { createRng } from '../../core/rng.ts';

export interface CalibrationMetrics {
  /** Fractions (×100 for %). */
  ece: number;
  nll: number;
  brier: number;
  bins: ReliabilityBin[];
}

export interface CalibrationReport {
  fittedOn: 'validation' | 'test-cv';
  temperature: number;
  /** Per-fold temperatures (test-cv only). */
  foldTemperatures?: number[];
  /**
   * Fits whose rows were all classified correctly: their NLL keeps falling as T → 0, so T stops at the
   * search bound (1e-3) and the scaled metrics are not meaningful. Happens on small, easy test folds.
   */
  degenerateFits: number;
  before: CalibrationMetrics;
  after: CalibrationMetrics;
}

export interface Logits {
  logits: ArrayLike<number>;
  labels: ArrayLike<number>;
}

/**
 * g(s) = mean NLL at inverse temperature s = 1/T is convex in s (log-sum-exp of a linear function), with
 * g'(s) = mean(E_p[z] − z_y) and g''(s) = mean(Var_p[z]). Safeguarded Newton inside a shrinking bracket.
 */
function nllDerivatives(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  k: number,
  s: number,
): [number, number] {
  let g1 = 0;
  let g2 = 0;
  const n = labels.length;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, s * logits[i * k + j]);
    let sum = 0;
    let m1 = 0;
    let m2 = 0;
    for (let j = 0; j < k; j++) {
      const z = logits[i * k + j];
      const e = exp(s * z - max);
      sum += e;
      m1 += e * z;
      m2 += e * z * z;
    }
    m1 /= sum;
    m2 /= sum;
    g1 += m1 - logits[i * k + labels[i]];
    g2 += m2 - m1 * m1;
  }
  return [g1 / n, g2 / n];
}

/** True when every row's label is its arg-max logit: then NLL has no minimum over T > 0. */
export function allCorrect(logits: ArrayLike<number>, labels: ArrayLike<number>, k: number): boolean {
  for (let i = 0; i < labels.length; i++) {
    for (let j = 0; j < k; j++) if (logits[i * k + j] > logits[i * k + labels[i]]) return false;
  }
  return true;
}

/** The NLL-optimal temperature for these logits (T in [1e-3, 1e3]). */
export function fitTemperature(logits: ArrayLike<number>, labels: ArrayLike<number>, k: number): number {
  let lo = 1e-3; // bracket on s = 1/T
  let hi = 1e3;
  let s = 1;
  for (let iter = 0; iter < 200; iter++) {
    const [g1, g2] = nllDerivatives(logits, labels, k, s);
    if (g1 > 0) hi = s;
    else lo = s;
    let next = g2 > 0 ? s - g1 / g2 : Number.NaN;
    if (!(next > lo && next < hi)) next = Math.sqrt(lo * hi); // bisect in log space when Newton leaves the bracket
    if (Math.abs(next - s) <= 1e-12 * s || hi / lo < 1 + 1e-14) {
      s = next;
      break;
    }
    s = next;
  }
  return 1 / s;
}

function scaled(logits: ArrayLike<number>, t: number): Float64Array {
  return Float64Array.from(logits as ArrayLike<number>, (v) => v / t);
}

export function calibrationMetrics(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  k: number,
  nBins = 15,
): CalibrationMetrics {
  const n = labels.length;
  const probs = softmaxRows(logits, n, k);
  const bins = reliabilityBins(probs, labels, k, nBins);
  return { ece: eceFromBins(bins), nll: nll(logits, labels, k), brier: brier(probs, labels, k), bins };
}

/** Temperature fitted on validation logits, metrics on test before and after. */
export function calibrateOnValidation(test: Logits, val: Logits, k: number): CalibrationReport {
  const t = fitTemperature(val.logits, val.labels, k);
  return {
    fittedOn: 'validation',
    temperature: t,
    degenerateFits: allCorrect(val.logits, val.labels, k) ? 1 : 0,
    before: calibrationMetrics(test.logits, test.labels, k),
    after: calibrationMetrics(scaled(test.logits, t), test.labels, k),
  };
}

function rowsOf(src: Logits, rows: number[], k: number): { logits: Float64Array; labels: Int32Array } {
  const logits = new Float64Array(rows.length * k);
  const labels = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    for (let j = 0; j < k; j++) logits[i * k + j] = src.logits[r * k + j];
    labels[i] = src.labels[r];
  });
  return { logits, labels };
}

/**
 * The paper's protocol: split test into `folds` seeded folds; for each, fit T on it and measure on the rest;
 * ECE/NLL/Brier after scaling are averaged over folds, and the reliability bins pool every measured row.
 */
export function calibrateByTestCv(test: Logits, k: number, folds = 5, seed = 0): CalibrationReport {
  const n = test.labels.length;
  const order = createRng(seed).shuffle(Array.from({ length: n }, (_, i) => i));
  const foldOf = (f: number): number[] => order.filter((_, pos) => pos % folds === f);
  const temps: number[] = [];
  let degenerateFits = 0;
  const sums = { ece: 0, nll: 0, brier: 0 };
  const pooledLogits: number[] = [];
  const pooledLabels: number[] = [];
  for (let f = 0; f < folds; f++) {
    const fit = rowsOf(test, foldOf(f), k);
    const rest = rowsOf(
      test,
      order.filter((_, pos) => pos % folds !== f),
      k,
    );
    const t = fitTemperature(fit.logits, fit.labels, k);
    temps.push(t);
    if (allCorrect(fit.logits, fit.labels, k)) degenerateFits++;
    const m = calibrationMetrics(scaled(rest.logits, t), rest.labels, k);
    sums.ece += m.ece;
    sums.nll += m.nll;
    sums.brier += m.brier;
    pooledLogits.push(...scaled(rest.logits, t));
    pooledLabels.push(...rest.labels);
  }
  const pooled = calibrationMetrics(pooledLogits, pooledLabels, k);
  return {
    fittedOn: 'test-cv',
    temperature: temps.reduce((a, b) => a + b, 0) / folds,
    foldTemperatures: temps,
    degenerateFits,
    before: calibrationMetrics(test.logits, test.labels, k),
    after: { ece: sums.ece / folds, nll: sums.nll / folds, brier: sums.brier / folds, bins: pooled.bins },
  };
}
