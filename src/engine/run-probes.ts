// Turns extracted features into probe inputs (per split) and probe outputs into ResultRecord scores.

import { rowsByClass } from '../core/fewshot/episodes.ts';
import type { CalibrationDetail, FewShotSettings, LinearSettings, Score } from '../core/record/types.ts';
import type { ItemFeatures, ModelContext } from './pipeline.ts';
import { type CalibrationReport, calibrateByTestCv, calibrateOnValidation } from './probes/calibration.ts';
import { fewShotProbe } from './probes/fewshot.ts';
import { type FeatureSet, type LinearProbeResult, linearProbe } from './probes/linear.ts';

/** The rows of `feats` whose items are in `members`, as a FeatureSet (labels from the listing). */
export function subset(ctx: ModelContext, feats: ItemFeatures, members: number[]): FeatureSet {
  const wanted = new Set(members);
  const rows: number[] = [];
  feats.index.forEach((item, row) => {
    if (wanted.has(item)) rows.push(row);
  });
  const X = new Float32Array(rows.length * feats.dim);
  const y = new Int32Array(rows.length);
  rows.forEach((row, i) => {
    X.set(feats.features.subarray(row * feats.dim, (row + 1) * feats.dim), i * feats.dim);
    y[i] = ctx.listing.items[feats.index[row]].label;
  });
  return { X, y, n: rows.length, d: feats.dim };
}

export async function runLinear(
  ctx: ModelContext,
  feats: ItemFeatures,
): Promise<{
  scores: Score[];
  settings: LinearSettings;
  calibration: CalibrationDetail;
  /** Test-set counts, confusion[true][predicted]. */
  confusion: number[][];
  /** The final classifier's test logits (row order of the test subset), for the paired tests. */
  testLogits: Float32Array;
}> {
  const { plan, req, hooks, listing, backbone } = ctx;
  const metric = req.settings.metric ?? 'top1';
  const result = await linearProbe(
    subset(ctx, feats, plan.train),
    plan.val ? subset(ctx, feats, plan.val) : null,
    subset(ctx, feats, plan.test),
    { mode: req.settings.linearMode, metric, nClasses: listing.classNames.length, seed: req.settings.seed },
    {
      cancel: hooks.cancel,
      onProgress: (p) =>
        hooks.onProgress?.({ ...p, stage: `${backbone.card.name}: ${p.stage}`, model: backbone.card.id }),
    },
  );
  const testSet = subset(ctx, feats, plan.test);
  const score: Score = {
    model: backbone.card.id,
    dataset: listing.name,
    probe: 'linear',
    metric,
    value: result.testScore,
    ci95: binomialCi95(result.testScore, testSet.n),
    extra: { log10C: result.chosenLog10C },
  };
  const report = calibrate(result, testSet.y, listing.classNames.length);
  const cell = { model: backbone.card.id, dataset: listing.name };
  const scores: Score[] = [
    score,
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
    settings: result.settings,
    calibration,
    confusion: result.confusion,
    testLogits: result.testLogits,
  };
}

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

/**
 * A k-shot setting needs `ways` classes with at least k + queries images each. Settings the dataset cannot
 * support are skipped with a reason rather than failing the whole run.
 */
export function feasibleShots(
  labels: Int32Array,
  opts: { ways: number; shots: number[]; queries: number },
): { possible: number[]; skipped: string[] } {
  const sizes = [...rowsByClass(labels).values()].map((rows) => rows.length);
  const possible: number[] = [];
  const skipped: string[] = [];
  for (const k of opts.shots) {
    const eligible = sizes.filter((n) => n >= k + opts.queries).length;
    if (eligible >= opts.ways) possible.push(k);
    else {
      skipped.push(
        `${opts.ways}-way ${k}-shot skipped: it needs ${opts.ways} classes with at least ${k + opts.queries} images ` +
          `(${k} support + ${opts.queries} queries); this dataset has ${eligible}. Use fewer ways, shots or queries.`,
      );
    }
  }
  return { possible, skipped };
}

/** Normal-approximation 95% interval half-width of an accuracy measured on n test images. */
export function binomialCi95(p: number, n: number): number {
  return n > 0 ? 1.96 * Math.sqrt((p * (1 - p)) / n) : 0;
}

export async function runFewShot(
  ctx: ModelContext,
  feats: ItemFeatures,
): Promise<{
  scores: Score[];
  settings: FewShotSettings;
  /** Per-episode accuracies per setting, for the paired tests. */
  episodes: { probe: string; accuracies: number[] }[];
}> {
  const { req, hooks, listing, backbone } = ctx;
  const all = subset(ctx, feats, feats.index);
  const opts = { ...req.settings.fewshot, seed: req.settings.seed };
  const { possible, skipped } = feasibleShots(all.y, opts);
  if (skipped.length)
    hooks.onIssues?.(skipped.map((reason) => ({ key: listing.name, action: 'warned', reason })));
  const results = await fewShotProbe(
    all,
    { ...opts, shots: possible },
    {
      cancel: hooks.cancel,
      onProgress: (p) =>
        hooks.onProgress?.({ ...p, stage: `${backbone.card.name}: ${p.stage}`, model: backbone.card.id }),
    },
  );
  const scores = results.map(
    (r): Score => ({
      model: backbone.card.id,
      dataset: listing.name,
      probe: `fewshot-${opts.ways}way-${r.shots}shot`,
      metric: 'top1',
      value: r.mean,
      ci95: r.ci95,
      extra: { episodes: r.episodes, classes: r.classesUsed },
    }),
  );
  const episodes = results.map((r) => ({
    probe: `fewshot-${opts.ways}way-${r.shots}shot`,
    accuracies: r.episodeAccuracies,
  }));
  return { scores, settings: opts, episodes };
}
