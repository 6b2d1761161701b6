// The evaluation pipeline shared by the worker (browser) and the CLI (Node):
// dataset listing → split plan → per model: features (cached) → probes → scores, reported live.

import { planSplits, type SplitPlan } from '../core/eval-plan.ts';
import { withUsage } from '../core/record/dataset-usage.ts';
import type {
  FewShotSettings,
  LinearSettings,
  RecordDetails,
  ResultRecord,
  Score,
} from '../core/record/types.ts';
import { emptyRecord, recordDataset, recordModel } from '../core/run-record.ts';
import { compareModels, type ProbeOutcome } from '../core/stats/compare.ts';
import type {
  CancelToken,
  DatasetListing,
  DatasetSource,
  FeatureCache,
  ImageDecoder,
  InputIssue,
  ModelCard,
  Progress,
} from '../core/types.ts';
import { loadAnyBackbone } from './backbones.ts';
import { extractFeatures, type PixelSource, ruleKey, throwIfCancelled } from './extract.ts';
import { fewShotOutcomes, linearOutcome } from './outcomes.ts';
import { runColour, runInversion } from './run-colour.ts';
import { evaluateMultiLabel } from './run-multilabel.ts';
import { runFewShot, runLinear } from './run-probes.ts';
import type { Backbone, ModelFileReader } from './types.ts';

/** 'colour': colour readout and colour reliance (and, with `settings.inversion`, one feature inversion). */
export type ProbeKind = 'linear' | 'fewshot' | 'colour';

export interface ModelRef {
  card: ModelCard;
  read: ModelFileReader;
}

export interface EvalSettings {
  seed: number;
  linearMode: 'paper' | 'converged';
  /** Linear-probe metric; mean per-class is the protocol's choice for class-imbalanced sets. */
  metric?: 'top1' | 'mean-per-class';
  fewshot: { ways: number; shots: number[]; queries: number; episodes: number };
  /**
   * With the colour probe: invert one test image per model (lab-format ResNets only) through layer4 with a
   * Deep Image Prior. Absent or steps 0: no inversion (it is slow at full size: 3,000 steps in the paper).
   */
  inversion?: {
    steps: number;
    learningRate?: number;
    imageKey?: string;
    /** Smaller Deep Image Prior generators for quick checks (default: the paper-like DEFAULT_GENERATOR). */
    generator?: { channels?: number; depth?: number; noiseChannels?: number; skipChannels?: number };
  };
}

export interface EvalRequest {
  models: ModelRef[];
  source: DatasetSource;
  probes: ProbeKind[];
  settings: EvalSettings;
  /** Name of the active backend, recorded in the ResultRecord. */
  backend: string;
  batchSize?: number;
  labVersion?: string;
}

export interface EvalHooks {
  onProgress?: (p: Progress & { model?: string }) => void;
  /** Called after each (model, dataset, probe) finishes, with every score so far. */
  onRecord?: (partial: ResultRecord) => void;
  /** Files that could not be used, by name, with what was done. */
  onIssues?: (issues: InputIssue[]) => void;
  cancel?: CancelToken;
  decode: ImageDecoder;
  cache?: FeatureCache;
  /** A listing made earlier (e.g. shown to the user before Run), to avoid listing twice. */
  listing?: DatasetListing;
  /**
   * Decodes and preprocesses off this thread (a worker pool), for the main extraction only: it always uses
   * the standard decoder, so passes with a special decoder (greyscale) stay in-thread.
   */
  pixels?: PixelSource;
}

export const DEFAULT_SETTINGS: EvalSettings = {
  seed: 0,
  linearMode: 'paper',
  metric: 'top1',
  fewshot: { ways: 5, shots: [5, 20], queries: 15, episodes: 600 },
};

export async function evaluate(req: EvalRequest, given: EvalHooks): Promise<ResultRecord> {
  // Every reported issue is also kept, so the record can name the skipped files (dataset-usage.ts).
  const issues: InputIssue[] = [];
  const hooks: EvalHooks = {
    ...given,
    onIssues: (found) => {
      issues.push(...found);
      given.onIssues?.(found);
    },
  };
  const listing = hooks.listing ?? (await req.source.list());
  hooks.onIssues?.(listing.issues);
  const plan = planSplits(listing.items, req.settings.seed);
  const record = emptyRecord({
    backend: req.backend,
    seed: req.settings.seed,
    labVersion: req.labVersion ?? '0.0.0',
    dataset: recordDataset(listing, plan),
    protocol: {},
  });
  const outcomes: ProbeOutcome[] = [];
  for (const model of req.models) {
    throwIfCancelled(hooks.cancel);
    const backbone = await loadAnyBackbone(model.card, model.read);
    try {
      record.models.push(recordModel(model.card));
      await evaluateModel({ req, hooks, listing, plan, backbone, record, outcomes });
    } finally {
      backbone.dispose();
    }
  }
  // Paired significance tests between the models, from what each probe measured per image / episode.
  const comparisons = compareModels(outcomes, { seed: req.settings.seed });
  if (comparisons.length > 0) record.comparisons = comparisons;
  record.datasets[0] = withUsage(record.datasets[0], listing, plan, issues);
  return record;
}

interface ModelContext {
  req: EvalRequest;
  hooks: EvalHooks;
  listing: DatasetListing;
  plan: SplitPlan;
  backbone: Backbone;
  record: ResultRecord;
  /** Per-image / per-episode results for the paired tests at the end of the run (src/engine/outcomes.ts). */
  outcomes?: ProbeOutcome[];
}

async function evaluateModel(ctx: ModelContext): Promise<void> {
  const { req, hooks, record } = ctx;
  const publish = (scores: Score[], protocol: { linear?: LinearSettings; fewshot?: FewShotSettings }) => {
    record.scores.push(...scores);
    Object.assign(record.protocol, protocol);
    hooks.onRecord?.(structuredClone(record));
  };
  // The linear probe and the colour probes read the same features: extract them once per model.
  let linear: Promise<ItemFeatures> | undefined;
  const linearFeatures = () =>
    (linear ??= features(ctx, 'linear', [...ctx.plan.train, ...(ctx.plan.val ?? []), ...ctx.plan.test]));
  if (ctx.listing.multiLabel) {
    await evaluateMultiLabel(ctx, linearFeatures, publish);
    return;
  }
  if (req.probes.includes('linear')) {
    const feats = await linearFeatures();
    const { scores, settings, calibration, confusion, testLogits } = await runLinear(ctx, feats);
    ctx.outcomes?.push(linearOutcome(ctx, feats, testLogits, scores[0].metric));
    const cell = detailCell(record, ctx.backbone.card.id, ctx.listing.name);
    cell('calibration', calibration);
    cell('confusion', confusion);
    publish(scores, { linear: settings });
  }
  if (req.probes.includes('fewshot')) {
    const feats = await features(ctx, 'fewshot', ctx.plan.pool);
    const { scores, settings, episodes } = await runFewShot(ctx, feats);
    ctx.outcomes?.push(...fewShotOutcomes(ctx, feats, episodes));
    publish(scores, { fewshot: settings });
  }
  if (req.probes.includes('colour')) {
    publish(await runColour(ctx, await linearFeatures(), chosenLog10C(record, ctx)), {});
    if ((req.settings.inversion?.steps ?? 0) > 0) await invertOne(ctx, publish);
  }
}

/** The C the linear probe chose for this model and dataset, when it ran in this record. */
function chosenLog10C(record: ResultRecord, ctx: ModelContext): number | undefined {
  const score = record.scores.find(
    (s) => s.probe === 'linear' && s.model === ctx.backbone.card.id && s.dataset === ctx.listing.name,
  );
  return score?.extra?.log10C;
}

/** Feature inversion of one test image (the one named in the settings, else the first). */
async function invertOne(
  ctx: ModelContext,
  publish: (scores: Score[], protocol: object) => void,
): Promise<void> {
  const { req, hooks, listing, backbone, record } = ctx;
  const opts = req.settings.inversion!;
  if (backbone.card.format !== 'lab-resnet') {
    hooks.onIssues?.([
      {
        key: backbone.card.id,
        action: 'warned',
        reason: 'feature inversion skipped: not a lab-format ResNet',
      },
    ]);
    return;
  }
  const key = opts.imageKey ?? listing.items[ctx.plan.test[0]].key;
  const model = req.models.find((m) => m.card.id === backbone.card.id)!;
  const rgb = await hooks.decode(await req.source.read(key), key);
  const run = await runInversion(
    model.card,
    model.read,
    { key, dataset: listing.name, rgb },
    { steps: opts.steps, learningRate: opts.learningRate, generator: opts.generator },
    {
      cancel: hooks.cancel,
      onProgress: (p) =>
        hooks.onProgress?.({ ...p, stage: `${backbone.card.name}: ${p.stage}`, model: backbone.card.id }),
    },
  );
  detailCell(record, backbone.card.id, listing.name)('colourInversion', run.detail);
  publish([run.score], {});
}

type PerCellDetails = Required<Pick<RecordDetails, 'calibration' | 'confusion' | 'colourInversion'>>;

/** A setter of record.details.<kind>[model][dataset], creating the nesting as needed. */
function detailCell(record: ResultRecord, model: string, dataset: string) {
  return <K extends keyof PerCellDetails>(kind: K, value: PerCellDetails[K][string][string]): void => {
    const details = (record.details ??= {});
    const byModel = (details[kind] ??= {} as PerCellDetails[K]) as PerCellDetails[K];
    (byModel[model] ??= {})[dataset] = value;
  };
}

export interface ItemFeatures {
  /** Indices into listing.items of the rows, in row order. */
  index: number[];
  features: Float32Array;
  dim: number;
}

async function features(
  ctx: ModelContext,
  which: 'linear' | 'fewshot',
  indices: number[],
): Promise<ItemFeatures> {
  const { backbone, listing, hooks, req } = ctx;
  const rule = backbone.card.preprocessing[which];
  const keys = indices.map((i) => listing.items[i].key);
  const result = await extractFeatures({
    source: req.source,
    keys,
    backbone,
    rule,
    decode: hooks.decode,
    pixels: hooks.pixels,
    cache: hooks.cache,
    cacheNamespace: `${backbone.card.weightsHash}/${ruleKey(rule)}/${listing.fingerprint}`,
    batchSize: req.batchSize ?? 16,
    cancel: hooks.cancel,
    stage: `${backbone.card.name}: features (${which})`,
    onProgress: (p) => hooks.onProgress?.({ ...p, model: backbone.card.id }),
  });
  if (result.issues.length) hooks.onIssues?.(result.issues);
  const position = new Map(listing.items.map((item, i) => [item.key, i]));
  return {
    index: result.usedKeys.map((k) => position.get(k)!),
    features: result.features,
    dim: backbone.card.featureSize,
  };
}

export type { ModelContext };
