// The linear probe's runner: the shared feature table's train / val / test rows → linearProbe → the test
// score, calibration (ECE before and after temperature scaling) and the confusion matrix. Gives the chosen C.

import { argmaxRows } from '../../../core/metrics/classification.ts';
import { gatherRows } from '../../../core/probes/feature-table.ts';
import type { CalibrationDetail, Score } from '../../../core/record/types.ts';
import { type CalibrationReport, calibrateByTestCv, calibrateOnValidation } from '../calibration.ts';
import { type LinearProbeResult, linearProbe } from '../linear.ts';
import { binomialCi95, correctnessOutcome, type ProbeRunner } from './context.ts';
import { runMultiLabel } from './multilabel.ts';

export const linearRunner: ProbeRunner = {
  async run(ctx) {
    if (ctx.listing.multiLabel) return runMultiLabel(ctx);
    const { settings, listing, backbone } = ctx;
    const table = await ctx.table('linear');
    const metric = settings.metric ?? 'top1';
    const k = listing.classNames.length;
    const test = gatherRows(table, table.rows.test);
    const result = await linearProbe(
      gatherRows(table, table.rows.train),
      table.rows.val ? gatherRows(table, table.rows.val) : null,
      test,
      { mode: settings.linearMode, metric, nClasses: k, seed: settings.seed },
      { cancel: ctx.cancel, onProgress: ctx.onProgress },
    );
    const cell = { model: backbone.card.id, dataset: listing.name };
    const report = calibrate(result, test.y, k);
    const scores: Score[] = [
      {
        ...cell,
        probe: 'linear',
        metric,
        value: result.testScore,
        ci95: binomialCi95(result.testScore, test.n),
        extra: { log10C: result.chosenLog10C },
      },
      { ...cell, probe: 'ece', metric: 'ece', value: report.before.ece },
      {
        ...cell,
        probe: 'ece-scaled',
        metric: 'ece',
        value: report.after.ece,
        extra: { temperature: report.temperature },
      },
    ];
    const calibration: CalibrationDetail = {
      before: report.before.bins.map(recordBin),
      after: report.after.bins.map(recordBin),
      eceBefore: report.before.ece,
      eceAfter: report.after.ece,
      temperature: report.temperature,
    };
    return {
      scores,
      details: [
        { kind: 'calibration', value: calibration },
        { kind: 'confusion', value: result.confusion },
      ],
      protocol: { linear: result.settings },
      gives: { linearLog10C: result.chosenLog10C },
      paired: [
        correctnessOutcome(ctx, 'linear', metric, {
          items: table.rows.test.map((r) => table.items[r]),
          labels: test.y,
          predicted: argmaxRows(result.testLogits, test.n, k),
        }),
      ],
    };
  },
};

/** The record keeps what the reliability diagram needs (bin edges follow from the bin count). */
function recordBin(b: { confidence: number; accuracy: number; count: number }) {
  return { confidence: b.confidence, accuracy: b.accuracy, count: b.count };
}

/** Temperature fitted on validation logits (the cleaner choice), else the paper's 5-fold CV on test. */
function calibrate(result: LinearProbeResult, testLabels: Int32Array, k: number): CalibrationReport {
  const test = { logits: result.testLogits, labels: testLabels };
  if (result.valLogits && result.valLabels) {
    return calibrateOnValidation(test, { logits: result.valLogits, labels: result.valLabels }, k);
  }
  return calibrateByTestCv(test, k);
}
