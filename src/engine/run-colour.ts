// Feature inversion of one image (Deep Image Prior through layer4) with its per-channel MSE, as a score and
// a record detail; used by the colour probe's runner and by the worker's stand-alone Invert button.

import { INVERSION_PROBE } from '../core/colour/scores.ts';
import { planSplits } from '../core/eval-plan.ts';
import type { ColourInversionDetail, ResultRecord, Score } from '../core/record/types.ts';
import { emptyRecord, recordDataset, recordModel } from '../core/run-record.ts';
import type { DatasetListing, ModelCard, RgbImage } from '../core/types.ts';
import { DEFAULT_GENERATOR, type InversionOptions, invertWithNet } from './colour/inversion.ts';
import { asResNetBackbone } from './load-backbone.ts';
import type { Backbone } from './types.ts';

export { INVERSION_PROBE };

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
 * Inverts one image of a dataset through a loaded lab-format ResNet's layer4 map (DIP, Adam), on the network
 * the backbone already holds (its weights were hash-checked when it loaded). The target is the image after
 * the card's linear-probe resize and crop, so original and reconstruction have the same size.
 */
export async function runInversion(
  backbone: Backbone,
  image: { key: string; dataset: string; rgb: RgbImage },
  opts: InversionOptions,
  hooks: Parameters<typeof invertWithNet>[4] = {},
): Promise<InversionRun> {
  const card = backbone.card;
  const resnet = asResNetBackbone(backbone);
  if (resnet === null) {
    throw new Error(
      `${card.name}: feature inversion needs a lab-format ResNet (this model is ${card.format})`,
    );
  }
  const result = await invertWithNet(card, resnet.net, image.rgb, withGeneratorDepthFor(card, opts), hooks);
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
