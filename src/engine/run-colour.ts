// The colour-preservation probes inside the pipeline: ridge readout of the images' colour statistics from
// frozen features, reliance of the linear probe on colour (greyscale test images), and feature inversion of
// one image (Deep Image Prior) with its per-channel MSE.

import { type ColourSet, colourReadout } from '../core/colour/readout.ts';
import { colourReliance } from '../core/colour/reliance.ts';
import { colourReadoutScore, colourRelianceScore } from '../core/colour/scores.ts';
import { COLOUR_TARGET_SIZE, colourTargetsOfModelInput } from '../core/colour/targets.ts';
import { planSplits } from '../core/eval-plan.ts';
import { pow10 } from '../core/math/fdlibm.ts';
import type { ColourInversionDetail, ResultRecord, Score } from '../core/record/types.ts';
import { emptyRecord, recordDataset, recordModel } from '../core/run-record.ts';
import type { DatasetListing, ModelCard, RgbImage } from '../core/types.ts';
import { DEFAULT_GENERATOR, type InversionOptions, invertImage } from './colour/inversion.ts';
import { GREY_NAMESPACE_SUFFIX, greyscaleDecoder } from './colour/reliance.ts';
import { extractFeatures, ruleKey, throwIfCancelled } from './extract.ts';
import { readLabModel } from './model-format/read.ts';
import type { ItemFeatures, ModelContext } from './pipeline.ts';
import { linearProbe, MODE_SETTINGS } from './probes/linear.ts';
import { LogRegProblem } from './probes/logreg.ts';
import { INVERSION_PROBE } from './run-colour-names.ts';
import { subset } from './run-probes.ts';
import type { ModelFileReader } from './types.ts';

export { INVERSION_PROBE };

/** Decodes the items of `feats` and computes their colour targets at the model's input (resize + crop). */
async function colourTargetsOf(ctx: ModelContext, feats: ItemFeatures): Promise<Float64Array> {
  const { req, hooks, listing, backbone } = ctx;
  const rule = backbone.card.preprocessing.linear;
  const out = new Float64Array(feats.index.length * COLOUR_TARGET_SIZE);
  const stage = `${backbone.card.name}: colour targets`;
  for (let row = 0; row < feats.index.length; row++) {
    if (row % 32 === 0) {
      throwIfCancelled(hooks.cancel);
      hooks.onProgress?.({
        stage,
        done: row,
        total: feats.index.length,
        ratePerSecond: null,
        etaSeconds: null,
      });
    }
    const key = listing.items[feats.index[row]].key;
    const t = colourTargetsOfModelInput(await hooks.decode(await req.source.read(key), key), rule);
    out.set(t.meanRgb, row * COLOUR_TARGET_SIZE);
    out.set(t.hist, row * COLOUR_TARGET_SIZE + 3);
  }
  return out;
}

/** Rows of a ColourSet for the items in `members` (row order of `feats`). */
function colourSubset(
  ctx: ModelContext,
  feats: ItemFeatures,
  targets: Float64Array,
  members: number[],
): ColourSet {
  const wanted = new Set(members);
  const rows = feats.index.flatMap((item, row) => (wanted.has(item) ? [row] : []));
  const set = subset(ctx, feats, members);
  const t = new Float64Array(rows.length * COLOUR_TARGET_SIZE);
  rows.forEach((row, i) => {
    t.set(targets.subarray(row * COLOUR_TARGET_SIZE, (row + 1) * COLOUR_TARGET_SIZE), i * COLOUR_TARGET_SIZE);
  });
  return { X: set.X, n: set.n, d: set.d, targets: t };
}

/** Greyscale (PIL 'L') features of the test images, in their own cache namespace. */
async function greyTestFeatures(
  ctx: ModelContext,
  keys: string[],
): Promise<{ features: Float32Array; keys: string[] }> {
  const { backbone, listing, hooks, req } = ctx;
  const rule = backbone.card.preprocessing.linear;
  const result = await extractFeatures({
    source: req.source,
    keys,
    backbone,
    rule,
    decode: greyscaleDecoder(hooks.decode),
    cache: hooks.cache,
    cacheNamespace: `${backbone.card.weightsHash}/${ruleKey(rule)}/${listing.fingerprint}${GREY_NAMESPACE_SUFFIX}`,
    batchSize: req.batchSize ?? 16,
    cancel: hooks.cancel,
    stage: `${backbone.card.name}: greyscale features`,
    onProgress: (p) => hooks.onProgress?.({ ...p, model: backbone.card.id }),
  });
  return { features: result.features, keys: result.usedKeys };
}

/**
 * The linear classifier whose reliance on colour is measured: fitted on train + val at the C the linear probe
 * chose (`log10C` when the linear probe already ran in this record, else a sweep is run here to choose it).
 */
async function linearClassifier(ctx: ModelContext, feats: ItemFeatures, log10C: number | undefined) {
  const { plan, req, listing, hooks } = ctx;
  const k = listing.classNames.length;
  const train = subset(ctx, feats, plan.train);
  const val = plan.val ? subset(ctx, feats, plan.val) : null;
  const metric = req.settings.metric ?? 'top1';
  if (log10C === undefined) {
    const test = subset(ctx, feats, plan.test);
    const opts = { mode: req.settings.linearMode, metric, nClasses: k, seed: req.settings.seed };
    log10C = (await linearProbe(train, val, test, opts, { cancel: hooks.cancel })).chosenLog10C;
  }
  const fitSet = subset(ctx, feats, [...plan.train, ...(plan.val ?? [])]);
  const problem = new LogRegProblem(fitSet, k);
  try {
    const mode = MODE_SETTINGS[req.settings.linearMode];
    const fit = await problem.fit(pow10(log10C), {
      maxIter: mode.maxIter,
      tol: mode.tol,
      ftol: mode.ftol,
      cancel: hooks.cancel,
    });
    return { weights: fit.weights, classes: k };
  } finally {
    problem.dispose();
  }
}

/**
 * Colour readout (ridge; R² and RMSE per channel) and colour reliance (linear-probe accuracy on greyscale vs
 * colour test images; mean cosine similarity of the two feature sets) of one model on one dataset.
 * `feats` are the colour features (linear-probe rule) of train, val and test.
 */
export async function runColour(
  ctx: ModelContext,
  feats: ItemFeatures,
  linearLog10C?: number,
): Promise<Score[]> {
  const { plan, req, listing, backbone } = ctx;
  const model = backbone.card.id;
  const targets = await colourTargetsOf(ctx, feats);
  const readout = colourReadout(
    colourSubset(ctx, feats, targets, plan.train),
    plan.val ? colourSubset(ctx, feats, targets, plan.val) : null,
    colourSubset(ctx, feats, targets, plan.test),
    { seed: req.settings.seed },
  );
  const testItems = plan.test.filter((i) => feats.index.includes(i));
  const grey = await greyTestFeatures(
    ctx,
    testItems.map((i) => listing.items[i].key),
  );
  // Rows of both sets in the grey set's order (an image the grey pass could not use is left out of both).
  const position = new Map(listing.items.map((item, i) => [item.key, i]));
  const greyItems = grey.keys.map((key) => position.get(key)!);
  const order = new Map(feats.index.map((item, row) => [item, row]));
  const d = feats.dim;
  const colour = new Float32Array(greyItems.length * d);
  const labels = new Int32Array(greyItems.length);
  greyItems.forEach((item, i) => {
    const row = order.get(item)!;
    colour.set(feats.features.subarray(row * d, (row + 1) * d), i * d);
    labels[i] = listing.items[item].label;
  });
  const clf = await linearClassifier(ctx, feats, linearLog10C);
  const metric = req.settings.metric ?? 'top1';
  const reliance = colourReliance(clf, {
    colour,
    grey: grey.features,
    labels,
    n: greyItems.length,
    d,
    metric,
  });
  return [
    colourReadoutScore(model, listing.name, readout),
    colourRelianceScore(model, listing.name, reliance, metric),
  ];
}

/**
 * The DIP generator halves the image depth times and needs ≥ 2 pixels at the bottom, so small inputs (the
 * embedded zoo's 32×32) get a shallower generator than the default; an explicit depth is kept.
 */
function withGeneratorDepthFor(card: ModelCard, opts: InversionOptions): InversionOptions {
  if (opts.generator?.depth !== undefined) return opts;
  const size = card.preprocessing.linear.crop;
  const depth = Math.max(1, Math.min(DEFAULT_GENERATOR.depth, Math.floor(Math.log2(size)) - 1));
  return { ...opts, generator: { ...opts.generator, depth } };
}

export interface InversionRun {
  original: RgbImage;
  reconstruction: RgbImage;
  score: Score;
  detail: ColourInversionDetail;
}

/**
 * Inverts one image of a dataset through a lab-format ResNet's layer4 map (DIP, Adam). The target is the
 * image after the card's linear-probe resize and crop, so original and reconstruction have the same size.
 */
export async function runInversion(
  card: ModelCard,
  read: ModelFileReader,
  image: { key: string; dataset: string; rgb: RgbImage },
  opts: InversionOptions,
  hooks: Parameters<typeof invertImage>[4] = {},
): Promise<InversionRun> {
  if (card.format !== 'lab-resnet') {
    throw new Error(
      `${card.name}: feature inversion needs a lab-format ResNet (this model is ${card.format})`,
    );
  }
  const model = await readLabModel(read);
  const result = await invertImage(card, model, image.rgb, withGeneratorDepthFor(card, opts), hooks);
  const mse = result.mse;
  const learningRate = opts.learningRate ?? 1e-3;
  const finalLoss = result.losses.at(-1)?.loss ?? Number.NaN;
  const score: Score = {
    model: card.id,
    dataset: image.dataset,
    probe: INVERSION_PROBE,
    metric: 'mse',
    value: (mse.r + mse.g + mse.b) / 3,
    extra: { mseR: mse.r, mseG: mse.g, mseB: mse.b, steps: result.steps, finalLoss },
  };
  const detail: ColourInversionDetail = {
    imageKey: image.key,
    steps: result.steps,
    learningRate,
    mse,
    losses: result.losses,
  };
  return { original: result.target, reconstruction: result.image, score, detail };
}

/** A one-model, one-score record of an inversion, so it joins the results (table, CSV, permalink). */
export function inversionRecord(
  run: InversionRun,
  card: ModelCard,
  listing: DatasetListing,
  opts: { backend: string; labVersion?: string; seed?: number },
): ResultRecord {
  const seed = opts.seed ?? 0;
  const record = emptyRecord({
    backend: opts.backend,
    seed,
    labVersion: opts.labVersion ?? '0.0.0',
    dataset: recordDataset(listing, planSplits(listing.items, seed)),
    protocol: {},
  });
  record.models.push(recordModel(card));
  record.scores.push(run.score);
  record.details = { colourInversion: { [card.id]: { [listing.name]: run.detail } } };
  return record;
}
