// The many-shot linear probe of the protocol (Ericsson et al. 2021, ssl-transfer's LinearTester):
// sweep C = 1/wd over wd = logspace(-6, 5, 45) (float32) from C = 1e6 down, choose C on validation with
// strict >, refit on train+val, score on test. 'paper' mode reproduces the reference's 100-iteration,
// warm-started fits; 'converged' mode fits each C to convergence from zeros.

import { log10 } from '../../core/math/fdlibm.ts';
import {
  type AccuracyMetric,
  accuracyMetric,
  argmaxRows,
  confusionMatrix,
} from '../../core/metrics/classification.ts';
import type { LinearSettings } from '../../core/record/types.ts';
import { randomValidationSplit } from '../../core/splits.ts';
import type { CancelToken, ProgressFn } from '../../core/types.ts';
import { SCIPY_DEFAULT_FTOL } from './lbfgs.ts';
import { FeatureMatrix, type LogRegFit, LogRegProblem, predictLogits } from './logreg.ts';

export interface FeatureSet {
  X: Float32Array;
  y: Int32Array;
  n: number;
  d: number;
}

export interface LinearProbeOptions {
  mode: 'paper' | 'converged';
  metric: AccuracyMetric;
  nClasses: number;
  seed: number;
  /** Fraction of train held out for validation when no validation set is given (0.2). */
  valFraction?: number;
}

export interface LinearProbeResult {
  settings: LinearSettings;
  chosenLog10C: number;
  /** Validation score per C, in sweep order. */
  valScores: number[];
  testScore: number;
  /** Final classifier's test logits, n_test × nClasses row-major. */
  testLogits: Float32Array;
  confusion: number[][];
  /** Validation logits of the classifier fitted on train only at the chosen C (for temperature scaling). */
  valLogits?: Float32Array;
  valLabels?: Int32Array;
  /** Final fit's objective in scikit-learn's scaling, Σ CE + ‖W‖²/(2C) (×C gives ½‖W‖² + C·Σ CE). */
  objective: number;
  iterations: number;
  /** Where the probe's matrix products ran: 'wasm-gemm (6×8 tiles, mul+add, 2 threads)', 'tfjs-webgpu', ... */
  matMul: string;
}

export interface ProbeHooks {
  onProgress?: ProgressFn;
  cancel?: CancelToken;
}

/**
 * Paper: scipy's defaults as sklearn 0.22 passed them (incl. the 2.2e-9 relative-reduction stop).
 * Converged: that relative-reduction stop is off (ftol 0): a step that lowers f by 2e-9 relative is still
 * progress (scipy's converged runs, which keep the stop, end 1.7e-4 above the optimum on digits pixels);
 * fits end on max|g| ≤ 1e-8, 1000 iterations, or when no step lowers f any more. (Our first version also
 * needed this because f from float32 logits was noisy at ~1e-7; line searches now evaluate f in float64.)
 */
export const MODE_SETTINGS = {
  paper: { maxIter: 100, tol: 1e-4, ftol: SCIPY_DEFAULT_FTOL, warmStart: true },
  converged: { maxIter: 1000, tol: 1e-8, ftol: 0, warmStart: false },
} as const;

/**
 * wd = logspace(-6, 5, 45) in float32, as numpy and torch give it (checked equal to both), written out: `10 **`
 * is engine-approximated and differs in the last bit between V8 versions (docs/determinism.md), so computing
 * the grid here could change which float32 a value rounds to on some engine.
 */
const WEIGHT_DECAYS = [
  9.999999974752427e-7, 0.0000017782793975129607, 0.0000031622776077711023, 0.00000562341347176698,
  0.000009999999747378752, 0.00001778279329300858, 0.00003162277789670043, 0.0000562341338081751,
  0.00009999999747378752, 0.00017782794020604342, 0.0003162277571391314, 0.000562341301701963,
  0.0010000000474974513, 0.0017782794311642647, 0.003162277629598975, 0.005623413249850273,
  0.009999999776482582, 0.017782794311642647, 0.03162277489900589, 0.05623413249850273, 0.10000000149011612,
  0.17782793939113617, 0.3162277638912201, 0.5623413324356079, 1, 1.778279423713684, 3.1622776985168457,
  5.6234130859375, 10, 17.782794952392578, 31.62277603149414, 56.234130859375, 100, 177.82794189453125,
  316.2277526855469, 562.34130859375, 1000, 1778.2794189453125, 3162.277587890625, 5623.4130859375, 10000,
  17782.794921875, 31622.77734375, 56234.1328125, 100000,
] as const;

/** log10 of C = 1/wd over the grid (with the lab's own log10, identical on every engine). */
export function sweepLog10C(): number[] {
  return WEIGHT_DECAYS.map((wd) => -log10(wd));
}

export function sweepC(): number[] {
  return WEIGHT_DECAYS.map((wd) => 1 / wd);
}

function rowsOf(set: FeatureSet, rows: number[]): FeatureSet {
  const X = new Float32Array(rows.length * set.d);
  const y = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    X.set(set.X.subarray(r * set.d, (r + 1) * set.d), i * set.d);
    y[i] = set.y[r];
  });
  return { X, y, n: rows.length, d: set.d };
}

function concat(a: FeatureSet, b: FeatureSet): FeatureSet {
  const X = new Float32Array((a.n + b.n) * a.d);
  X.set(a.X.subarray(0, a.n * a.d));
  X.set(b.X.subarray(0, b.n * b.d), a.n * a.d);
  const y = new Int32Array(a.n + b.n);
  y.set(a.y.subarray(0, a.n));
  y.set(b.y.subarray(0, b.n), a.n);
  return { X, y, n: a.n + b.n, d: a.d };
}

/** The settings a record keeps of a sweep: the grid, the mode's stopping rules, where validation came from. */
export function linearSettings(
  mode: 'paper' | 'converged',
  validation: LinearSettings['validation'],
): LinearSettings {
  const m = MODE_SETTINGS[mode];
  return { mode, log10C: sweepLog10C(), maxIter: m.maxIter, tol: m.tol, warmStart: m.warmStart, validation };
}

/** The train/val pair the sweep uses, and how validation was obtained. */
export function validationPair(
  train: FeatureSet,
  val: FeatureSet | null,
  opts: LinearProbeOptions,
): { fitSet: FeatureSet; valSet: FeatureSet; validation: LinearSettings['validation'] } {
  if (val) return { fitSet: train, valSet: val, validation: { kind: 'split' } };
  const fraction = opts.valFraction ?? 0.2;
  const split = randomValidationSplit(train.n, fraction, opts.seed);
  return {
    fitSet: rowsOf(train, split.train),
    valSet: rowsOf(train, split.val),
    validation: { kind: 'random', fraction, seed: opts.seed },
  };
}

function checkDims(sets: FeatureSet[]): void {
  const d = sets[0].d;
  for (const s of sets) {
    if (s.d !== d) throw new Error(`feature sizes differ: ${s.d} vs ${d}`);
    if (s.X.length < s.n * s.d || s.y.length !== s.n)
      throw new Error('feature set arrays do not match n × d');
  }
}

function reportSweep(
  hooks: ProbeHooks | undefined,
  done: number,
  total: number,
  started: number,
  detail: string,
): void {
  if (!hooks?.onProgress) return;
  const seconds = (Date.now() - started) / 1000;
  const rate = done > 0 && seconds > 0 ? done / seconds : null;
  hooks.onProgress({
    stage: 'linear probe',
    done,
    total,
    ratePerSecond: rate,
    etaSeconds: rate ? (total - done) / rate : null,
    detail,
  });
}

interface SweepOutcome {
  valScores: number[];
  bestIndex: number;
  lastWeights: Float64Array | undefined;
  bestValLogits: Float32Array | undefined;
  matMul: string;
}

async function sweep(
  fitSet: FeatureSet,
  valSet: FeatureSet,
  opts: LinearProbeOptions,
  hooks: ProbeHooks | undefined,
  started: number,
): Promise<SweepOutcome> {
  const mode = MODE_SETTINGS[opts.mode];
  const Cs = sweepC();
  const problem = new LogRegProblem(fitSet, opts.nClasses);
  const valFeatures = new FeatureMatrix(valSet.X, valSet.n, valSet.d, opts.nClasses);
  const valScores: number[] = [];
  let best = { index: 0, score: Number.NEGATIVE_INFINITY };
  let weights: Float64Array | undefined;
  let bestValLogits: Float32Array | undefined;
  let matMul = '';
  try {
    for (let i = 0; i < Cs.length; i++) {
      const fit = await problem.fit(Cs[i], {
        maxIter: mode.maxIter,
        tol: mode.tol,
        ftol: mode.ftol,
        init: mode.warmStart ? weights : undefined,
        cancel: hooks?.cancel,
      });
      matMul ||= await problem.route();
      weights = fit.weights;
      const logits = await valFeatures.logits(weights);
      const score = accuracyMetric(
        opts.metric,
        argmaxRows(logits, valSet.n, opts.nClasses),
        valSet.y,
        opts.nClasses,
      );
      valScores.push(score);
      // Strict >: ties keep the earlier (larger) C, as the reference does.
      if (score > best.score) {
        best = { index: i, score };
        bestValLogits = logits;
      }
      reportSweep(
        hooks,
        i + 1,
        Cs.length + 1,
        started,
        `log10 C = ${Math.log10(Cs[i]).toFixed(2)}: validation ${(100 * score).toFixed(2)}%`,
      );
    }
  } finally {
    problem.dispose();
    valFeatures.dispose();
  }
  return { valScores, bestIndex: best.index, lastWeights: weights, bestValLogits, matMul };
}

export async function linearProbe(
  train: FeatureSet,
  val: FeatureSet | null,
  test: FeatureSet,
  opts: LinearProbeOptions,
  hooks?: ProbeHooks,
): Promise<LinearProbeResult> {
  checkDims(val ? [train, val, test] : [train, test]);
  const mode = MODE_SETTINGS[opts.mode];
  const started = Date.now();
  const { fitSet, valSet, validation } = validationPair(train, val, opts);
  const swept = await sweep(fitSet, valSet, opts, hooks, started);
  const log10C = sweepLog10C();
  const chosenC = sweepC()[swept.bestIndex];

  const trainval = concat(fitSet, valSet);
  const final = new LogRegProblem(trainval, opts.nClasses);
  let fit: LogRegFit;
  try {
    // Paper mode warm-starts the final fit from the sweep's LAST solution (smallest C), as the reference does.
    fit = await final.fit(chosenC, {
      maxIter: mode.maxIter,
      tol: mode.tol,
      ftol: mode.ftol,
      init: mode.warmStart ? swept.lastWeights : undefined,
      cancel: hooks?.cancel,
    });
  } finally {
    final.dispose();
  }
  const testLogits = await predictLogits(fit.weights, test.X, test.n, test.d, opts.nClasses);
  const predicted = argmaxRows(testLogits, test.n, opts.nClasses);
  reportSweep(hooks, log10C.length + 1, log10C.length + 1, started, 'final fit on train+val');
  return {
    settings: linearSettings(opts.mode, validation),
    chosenLog10C: log10C[swept.bestIndex],
    valScores: swept.valScores,
    testScore: accuracyMetric(opts.metric, predicted, test.y, opts.nClasses),
    testLogits,
    confusion: confusionMatrix(predicted, test.y, opts.nClasses),
    valLogits: swept.bestValLogits,
    valLabels: valSet.y,
    objective: fit.objective,
    iterations: fit.iterations,
    matMul: swept.matMul,
  };
}
