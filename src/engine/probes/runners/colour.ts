// The colour probes' runner: ridge readout of the images' colour statistics from the shared features, the
// linear classifier (at the C the linear probe gave, else chosen here) scored on greyscale test images, and
// with inversion steps one Deep Image Prior inversion on the already-loaded network.

import { type ColourSet, colourReadout } from '../../../core/colour/readout.ts';
import { colourReliance } from '../../../core/colour/reliance.ts';
import { colourReadoutScore, colourRelianceScore } from '../../../core/colour/scores.ts';
import { COLOUR_TARGET_SIZE, colourTargetsOfModelInput } from '../../../core/colour/targets.ts';
import { pow10 } from '../../../core/math/fdlibm.ts';
import { type FeatureTable, gatherRows } from '../../../core/probes/feature-table.ts';
import type { Score } from '../../../core/record/types.ts';
import { GREY_NAMESPACE_SUFFIX, greyscaleDecoder } from '../../colour/reliance.ts';
import { extractFeatures, ruleKey, throwIfCancelled } from '../../extract.ts';
import { asResNetBackbone } from '../../load-backbone.ts';
import { runInversion } from '../../run-colour.ts';
import { linearProbe, MODE_SETTINGS } from '../linear.ts';
import { LogRegProblem } from '../logreg.ts';
import type { ProbeContext, ProbeDetail, ProbeRunner } from './context.ts';

export const colourRunner: ProbeRunner = {
  async run(ctx) {
    const table = await ctx.table('linear');
    const scores = await colourScores(ctx, table);
    const details: ProbeDetail[] = [];
    if ((ctx.settings.inversion?.steps ?? 0) > 0) {
      const inverted = await invertOne(ctx);
      if (inverted) {
        scores.push(inverted.score);
        details.push({ kind: 'colourInversion', value: inverted.detail });
      }
    }
    return { scores, details };
  },
};

/** Decodes the rows' images and computes their colour targets at the model's input (resize + crop). */
async function colourTargetsOf(ctx: ProbeContext, table: FeatureTable): Promise<Float64Array> {
  const rule = ctx.backbone.card.preprocessing.linear;
  const out = new Float64Array(table.keys.length * COLOUR_TARGET_SIZE);
  for (let row = 0; row < table.keys.length; row++) {
    if (row % 32 === 0) {
      throwIfCancelled(ctx.cancel);
      ctx.onProgress({
        stage: 'colour targets',
        done: row,
        total: table.keys.length,
        ratePerSecond: null,
        etaSeconds: null,
      });
    }
    const key = table.keys[row];
    const t = colourTargetsOfModelInput(await ctx.decode(await ctx.source.read(key), key), rule);
    out.set(t.meanRgb, row * COLOUR_TARGET_SIZE);
    out.set(t.hist, row * COLOUR_TARGET_SIZE + 3);
  }
  return out;
}

function colourRows(table: FeatureTable, targets: Float64Array, rows: number[]): ColourSet {
  const set = gatherRows(table, rows);
  const t = new Float64Array(rows.length * COLOUR_TARGET_SIZE);
  rows.forEach((row, i) => {
    t.set(targets.subarray(row * COLOUR_TARGET_SIZE, (row + 1) * COLOUR_TARGET_SIZE), i * COLOUR_TARGET_SIZE);
  });
  return { X: set.X, n: set.n, d: set.d, targets: t };
}

/** Greyscale (PIL 'L') features of the given images, in their own cache namespace. */
async function greyFeatures(ctx: ProbeContext, keys: string[]) {
  const { backbone, listing } = ctx;
  const rule = backbone.card.preprocessing.linear;
  const result = await extractFeatures({
    source: ctx.source,
    keys,
    backbone,
    rule,
    decode: greyscaleDecoder(ctx.decode),
    cache: ctx.cache,
    cacheNamespace: `${backbone.card.weightsHash}/${ruleKey(rule)}/${listing.fingerprint}${GREY_NAMESPACE_SUFFIX}`,
    batchSize: ctx.batchSize,
    cancel: ctx.cancel,
    stage: 'greyscale features',
    onProgress: ctx.onProgress,
  });
  return { features: result.features, keys: result.usedKeys };
}

/**
 * The linear classifier whose reliance on colour is measured: fitted on train + val at the C the linear probe
 * gave (a sweep chooses it here when the linear probe did not run).
 */
async function linearClassifier(ctx: ProbeContext, table: FeatureTable) {
  const { settings, listing } = ctx;
  const k = listing.classNames.length;
  const metric = settings.metric ?? 'top1';
  let log10C = ctx.given.linearLog10C;
  if (log10C === undefined) {
    const opts = { mode: settings.linearMode, metric, nClasses: k, seed: settings.seed };
    const train = gatherRows(table, table.rows.train);
    const val = table.rows.val ? gatherRows(table, table.rows.val) : null;
    const test = gatherRows(table, table.rows.test);
    log10C = (await linearProbe(train, val, test, opts, { cancel: ctx.cancel })).chosenLog10C;
  }
  const fitSet = gatherRows(table, [...table.rows.train, ...(table.rows.val ?? [])]);
  const problem = new LogRegProblem(fitSet, k);
  try {
    const mode = MODE_SETTINGS[settings.linearMode];
    const fit = await problem.fit(pow10(log10C), {
      maxIter: mode.maxIter,
      tol: mode.tol,
      ftol: mode.ftol,
      cancel: ctx.cancel,
    });
    return { weights: fit.weights, classes: k };
  } finally {
    problem.dispose();
  }
}

async function colourScores(ctx: ProbeContext, table: FeatureTable): Promise<Score[]> {
  const { listing, backbone, settings } = ctx;
  const targets = await colourTargetsOf(ctx, table);
  const { train, val, test } = table.rows;
  const readout = colourReadout(
    colourRows(table, targets, train),
    val ? colourRows(table, targets, val) : null,
    colourRows(table, targets, test),
    { seed: settings.seed },
  );
  const grey = await greyFeatures(
    ctx,
    test.map((row) => table.keys[row]),
  );
  // Rows of both sets in the grey set's order (an image the grey pass could not use is left out of both).
  const rowOfKey = new Map(table.keys.map((key, row) => [key, row]));
  const rows = grey.keys.map((key) => rowOfKey.get(key)!);
  const colour = gatherRows(table, rows);
  const clf = await linearClassifier(ctx, table);
  const metric = settings.metric ?? 'top1';
  const reliance = colourReliance(clf, {
    colour: colour.X,
    grey: grey.features,
    labels: colour.y,
    n: rows.length,
    d: table.dim,
    metric,
  });
  return [
    colourReadoutScore(backbone.card.id, listing.name, readout),
    colourRelianceScore(backbone.card.id, listing.name, reliance, metric),
  ];
}

/** Feature inversion of one test image (the one named in the settings, else the first), when possible. */
async function invertOne(ctx: ProbeContext) {
  const { settings, listing, backbone, plan } = ctx;
  const opts = settings.inversion!;
  if (asResNetBackbone(backbone) === null) {
    ctx.onIssues([
      {
        key: backbone.card.id,
        action: 'warned',
        reason: 'feature inversion skipped: not a lab-format ResNet',
      },
    ]);
    return null;
  }
  const key = opts.imageKey ?? listing.items[plan.test[0]].key;
  const rgb = await ctx.decode(await ctx.source.read(key), key);
  const run = await runInversion(
    backbone,
    { key, dataset: listing.name, rgb },
    { steps: opts.steps, learningRate: opts.learningRate, generator: opts.generator },
    { cancel: ctx.cancel, onProgress: ctx.onProgress },
  );
  return run;
}
