// Multi-label linear probe (VOC2007 protocol): one binary logistic regression per class on decision scores,
// C swept on validation by 11-point mAP (strict >), refit on train+val, mAP on test.
//
// Each binary fit is what scikit-learn 0.22's LogisticRegression(multi_class='multinomial') does with two
// classes: a 2-way softmax with both weight rows penalised, whose decision score is row 1 alone; and its warm
// start copies that single stored row into BOTH rows. The reference's one shared classifier warm-starts
// from fit to fit in sweep order (C outer, class inner), which paper mode follows (our reading of ssl-transfer's
// VOC loop; not checked against its code). The parity test matches scripts/fixtures/sklearn_reference.py
// --multilabel (same mechanics in scipy/numpy) on real features; there are no VOC numbers to compare with here.

import { map11 } from '../../core/metrics/voc.ts';
import type { LinearSettings } from '../../core/record/types.ts';
import { randomValidationSplit } from '../../core/splits.ts';
import { linearSettings, MODE_SETTINGS, type ProbeHooks, sweepC, sweepLog10C } from './linear.ts';
import { LogRegProblem, predictLogits } from './logreg.ts';

export interface MultiLabelSet {
  X: Float32Array;
  /** n × k targets, 1 = positive (VOC "difficult" counted negative upstream). */
  Y: Uint8Array;
  n: number;
  d: number;
}

export interface MultiLabelOptions {
  mode: 'paper' | 'converged';
  nClasses: number;
  seed: number;
  valFraction?: number;
}

export interface MultiLabelProbeResult {
  settings: LinearSettings;
  chosenLog10C: number;
  /** Validation mAP per C, in sweep order. */
  valScores: number[];
  /** Test 11-point mAP. */
  testScore: number;
  /** Decision scores on test, n_test × k. */
  testScores: Float32Array;
}

function rowsOf(set: MultiLabelSet, rows: number[], k: number): MultiLabelSet {
  const X = new Float32Array(rows.length * set.d);
  const Y = new Uint8Array(rows.length * k);
  rows.forEach((r, i) => {
    X.set(set.X.subarray(r * set.d, (r + 1) * set.d), i * set.d);
    Y.set(set.Y.subarray(r * k, (r + 1) * k), i * k);
  });
  return { X, Y, n: rows.length, d: set.d };
}

function binaryLabels(set: MultiLabelSet, c: number, k: number): Int32Array {
  return Int32Array.from({ length: set.n }, (_, i) => (set.Y[i * k + c] > 0 ? 1 : 0));
}

/** sklearn 0.22's binary warm start: the stored coefficient row (row 1) goes into both softmax rows. */
function binaryWarmStart(weights: Float64Array): Float64Array {
  const w = Float64Array.from(weights);
  for (let j = 0; j < w.length; j += 2) w[j] = w[j + 1];
  return w;
}

/** Decision scores of class `c` (row 1 of its 2-way model) written into column c of `out` (n × k). */
async function writeScores(
  weights: Float64Array,
  set: MultiLabelSet,
  c: number,
  k: number,
  out: Float32Array,
): Promise<void> {
  const logits = await predictLogits(weights, set.X, set.n, set.d, 2);
  for (let i = 0; i < set.n; i++) out[i * k + c] = logits[i * 2 + 1];
}

export async function multiLabelLinearProbe(
  train: MultiLabelSet,
  val: MultiLabelSet | null,
  test: MultiLabelSet,
  opts: MultiLabelOptions,
  hooks?: ProbeHooks,
): Promise<MultiLabelProbeResult> {
  const k = opts.nClasses;
  const mode = MODE_SETTINGS[opts.mode];
  const fraction = opts.valFraction ?? 0.2;
  const split = val ? null : randomValidationSplit(train.n, fraction, opts.seed);
  const fitSet = split ? rowsOf(train, split.train, k) : train;
  const valSet = split ? rowsOf(train, split.val, k) : val!;
  const Cs = sweepC();
  const fitOpts = { maxIter: mode.maxIter, tol: mode.tol, ftol: mode.ftol, cancel: hooks?.cancel };
  let chain: Float64Array | undefined;
  const valScores: number[] = [];
  let best = { index: 0, score: Number.NEGATIVE_INFINITY };
  const started = Date.now();

  const sweepProblem = new LogRegProblem(
    { X: fitSet.X, y: binaryLabels(fitSet, 0, k), n: fitSet.n, d: fitSet.d },
    2,
  );
  try {
    for (let i = 0; i < Cs.length; i++) {
      const scores = new Float32Array(valSet.n * k);
      for (let c = 0; c < k; c++) {
        sweepProblem.setLabels(binaryLabels(fitSet, c, k));
        const init = mode.warmStart && chain ? binaryWarmStart(chain) : undefined;
        chain = (await sweepProblem.fit(Cs[i], { ...fitOpts, init })).weights;
        await writeScores(chain, valSet, c, k, scores);
      }
      const score = map11(scores, valSet.Y, valSet.n, k);
      valScores.push(score);
      if (score > best.score) best = { index: i, score };
      const seconds = (Date.now() - started) / 1000;
      hooks?.onProgress?.({
        stage: 'linear probe (multi-label)',
        done: i + 1,
        total: Cs.length + 1,
        ratePerSecond: seconds > 0 ? (i + 1) / seconds : null,
        etaSeconds: seconds > 0 ? ((Cs.length - i) * seconds) / (i + 1) : null,
        detail: `log10 C = ${Math.log10(Cs[i]).toFixed(2)}: validation mAP ${(100 * score).toFixed(2)}%`,
      });
    }
  } finally {
    sweepProblem.dispose();
  }

  const trainval: MultiLabelSet = {
    X: Float32Array.from([
      ...fitSet.X.subarray(0, fitSet.n * fitSet.d),
      ...valSet.X.subarray(0, valSet.n * valSet.d),
    ]),
    Y: Uint8Array.from([...fitSet.Y, ...valSet.Y]),
    n: fitSet.n + valSet.n,
    d: fitSet.d,
  };
  const testScores = new Float32Array(test.n * k);
  const finalProblem = new LogRegProblem(
    { X: trainval.X, y: binaryLabels(trainval, 0, k), n: trainval.n, d: trainval.d },
    2,
  );
  try {
    for (let c = 0; c < k; c++) {
      finalProblem.setLabels(binaryLabels(trainval, c, k));
      const init = mode.warmStart && chain ? binaryWarmStart(chain) : undefined;
      chain = (await finalProblem.fit(Cs[best.index], { ...fitOpts, init })).weights;
      await writeScores(chain, test, c, k, testScores);
    }
  } finally {
    finalProblem.dispose();
  }
  const log10C = sweepLog10C();
  return {
    settings: linearSettings(
      opts.mode,
      split ? { kind: 'random', fraction, seed: opts.seed } : { kind: 'split' },
    ),
    chosenLog10C: log10C[best.index],
    valScores,
    testScore: map11(testScores, test.Y, test.n, k),
    testScores,
  };
}
