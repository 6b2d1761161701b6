// The evaluation pipeline shared by the worker (browser) and the CLI (Node):
// dataset listing → split plan → per model: features (cached) → probes → scores, reported live.

import { planSplits, type SplitPlan } from '../core/eval-plan.ts';
import type {
  CalibrationDetail,
  FewShotSettings,
  LinearSettings,
  ResultRecord,
  Score,
} from '../core/record/types.ts';
import { emptyRecord, recordDataset, recordModel } from '../core/run-record.ts';
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
import { extractFeatures, ruleKey, throwIfCancelled } from './extract.ts';
import { loadAnyBackbone } from './backbones.ts';
import { runFewShot, runLinear } from './run-probes.ts';
import type { Backbone, ModelFileReader } from './types.ts';

export type ProbeKind = 'linear' | 'fewshot';

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
}

export const DEFAULT_SETTINGS: EvalSettings = {
  seed: 0,
  linearMode: 'paper',
  metric: 'top1',
  fewshot: { ways: 5, shots: [5, 20], queries: 15, episodes: 600 },
};

export async function evaluate(req: EvalRequest, hooks: EvalHooks): Promise<ResultRecord> {
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
  for (const model of req.models) {
    throwIfCancelled(hooks.cancel);
    const backbone = await loadAnyBackbone(model.card, model.read);
    try {
      record.models.push(recordModel(model.card));
      await evaluateModel({ req, hooks, listing, plan, backbone, record });
    } finally {
      backbone.dispose();
    }
  }
  return record;
}

interface ModelContext {
  req: EvalRequest;
  hooks: EvalHooks;
  listing: DatasetListing;
  plan: SplitPlan;
  backbone: Backbone;
  record: ResultRecord;
}

async function evaluateModel(ctx: ModelContext): Promise<void> {
  const { req, hooks, record } = ctx;
  const publish = (scores: Score[], protocol: { linear?: LinearSettings; fewshot?: FewShotSettings }) => {
    record.scores.push(...scores);
    Object.assign(record.protocol, protocol);
    hooks.onRecord?.(structuredClone(record));
  };
  if (req.probes.includes('linear')) {
    const feats = await features(ctx, 'linear', [...ctx.plan.train, ...(ctx.plan.val ?? []), ...ctx.plan.test]);
    const { scores, settings, calibration } = await runLinear(ctx, feats);
    addCalibration(record, ctx.backbone.card.id, ctx.listing.name, calibration);
    publish(scores, { linear: settings });
  }
  if (req.probes.includes('fewshot')) {
    const feats = await features(ctx, 'fewshot', ctx.plan.pool);
    const { scores, settings } = await runFewShot(ctx, feats);
    publish(scores, { fewshot: settings });
  }
}

function addCalibration(record: ResultRecord, model: string, dataset: string, detail: CalibrationDetail): void {
  const details = (record.details ??= {});
  const calibration = (details.calibration ??= {});
  (calibration[model] ??= {})[dataset] = detail;
}

export interface ItemFeatures {
  /** Indices into listing.items of the rows, in row order. */
  index: number[];
  features: Float32Array;
  dim: number;
}

async function features(ctx: ModelContext, which: ProbeKind, indices: number[]): Promise<ItemFeatures> {
  const { backbone, listing, hooks, req } = ctx;
  const rule = backbone.card.preprocessing[which];
  const keys = indices.map((i) => listing.items[i].key);
  const result = await extractFeatures({
    source: req.source,
    keys,
    backbone,
    rule,
    decode: hooks.decode,
    cache: hooks.cache,
    cacheNamespace: `${backbone.card.weightsHash}/${ruleKey(rule)}/${listing.fingerprint}`,
    batchSize: req.batchSize ?? 16,
    cancel: hooks.cancel,
    stage: `${backbone.card.name}: features (${which})`,
    onProgress: (p) => hooks.onProgress?.({ ...p, model: backbone.card.id }),
  });
  if (result.issues.length) hooks.onIssues?.(result.issues);
  const position = new Map(listing.items.map((item, i) => [item.key, i]));
  return { index: result.usedKeys.map((k) => position.get(k)!), features: result.features, dim: backbone.card.featureSize };
}

export type { ModelContext };
