// The evaluation pipeline shared by the worker (browser) and the CLI (Node): dataset listing → split plan →
// per model: load it once → for each selected probe of the registry: preconditions → its runner (over the
// model's shared feature table) → scores, or "not computed" with the reason, reported live.

import { chooseBatchSize, defaultMemoryBudget } from '../core/batch-size.ts';
import { planSplits, type SplitPlan } from '../core/eval-plan.ts';
import { createPixelMemo, type PixelMemo } from '../core/pixels/memo.ts';
import { withWaysForClasses } from '../core/probes/descriptors/fewshot.ts';
import { buildFeatureTable, type FeatureTable, planFacts, tableFacts } from '../core/probes/feature-table.ts';
import { PROBES } from '../core/probes/registry.ts';
import type { EvalSettings } from '../core/probes/settings.ts';
import type { PreconditionVerdict, ProbeDescriptor, ProbeKind } from '../core/probes/types.ts';
import { withUsage } from '../core/record/dataset-usage.ts';
import type { ResultRecord } from '../core/record/types.ts';
import { emptyRecord, recordDataset, recordModel } from '../core/run-record.ts';
import { compareModels, type PairedOutcome } from '../core/stats/compare.ts';
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
import { extractFeatureSets, type PixelSource, ruleKey, throwIfCancelled } from './extract.ts';
import type { ProbeContext, ProbeGifts, ProbeOutcome } from './probes/runners/context.ts';
import { RUNNERS } from './probes/runners/index.ts';
import type { Backbone, ModelRef } from './types.ts';

export { DEFAULT_SETTINGS } from '../core/probes/registry.ts';
export type { EvalSettings } from '../core/probes/settings.ts';
export type { ProbeKind } from '../core/probes/types.ts';
export type { ModelRef } from './types.ts';

export interface EvalRequest {
  models: ModelRef[];
  source: DatasetSource;
  probes: ProbeKind[];
  settings: EvalSettings;
  /** Name of the active backend, recorded in the ResultRecord. */
  backend: string;
  /** Images per backbone batch; by default each model's own, the most that fit `memoryBudgetBytes`. */
  batchSize?: number;
  /** Backend memory a batch may take (see core/batch-size.ts); default `defaultMemoryBudget` of 4 GiB. */
  memoryBudgetBytes?: number;
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

export async function evaluate(req: EvalRequest, hooks: EvalHooks): Promise<ResultRecord> {
  return (await evaluateWithOutcomes(req, hooks)).record;
}

/**
 * The run, plus what each probe measured per image / per episode (`paired`): `tlab eval --shard` writes the
 * latter beside its record so `tlab merge` can recompute the comparisons across every shard's models.
 */
export async function evaluateWithOutcomes(
  asked: EvalRequest,
  given: EvalHooks,
): Promise<{ record: ResultRecord; paired: PairedOutcome[] }> {
  // Every reported issue is also kept, so the record can name the skipped files (dataset-usage.ts).
  const issues: InputIssue[] = [];
  const hooks: EvalHooks = {
    ...given,
    onIssues: (found) => {
      issues.push(...found);
      given.onIssues?.(found);
    },
  };
  const listing = hooks.listing ?? (await asked.source.list());
  // Few-shot ways capped by the classes there are, once, so the CLI and the browser run the same episodes.
  const req = { ...asked, settings: withWaysForClasses(asked.settings, listing.classNames.length) };
  hooks.onIssues?.(listing.issues);
  const plan = planSplits(listing.items, req.settings.seed);
  const record = emptyRecord({
    backend: req.backend,
    seed: req.settings.seed,
    labVersion: req.labVersion ?? '0.0.0',
    dataset: recordDataset(listing, plan),
    protocol: {},
  });
  // Registry order, whatever order the caller listed them in.
  const probes = PROBES.filter((p) => req.probes.includes(p.kind));
  const paired: PairedOutcome[] = [];
  // The crops may take half the batch budget beside it (peak: weights + 1.5 × budget), and only serve when
  // another model follows.
  const memo = createPixelMemo(req.models.length > 1 ? Math.floor(memoryBudget(req) / 2) : 0);
  const contentKeys = new Map<string, string>();
  for (const model of req.models) {
    throwIfCancelled(hooks.cancel);
    const backbone = await loadAnyBackbone(model.card, model.read);
    try {
      record.models.push(recordModel(model.card));
      const batchSize = batchSizeFor(req, model.card);
      const run = {
        req,
        hooks,
        listing,
        plan,
        record,
        model,
        backbone,
        batchSize,
        paired,
        memo,
        contentKeys,
      };
      await evaluateModel(run, probes);
    } finally {
      backbone.dispose();
    }
  }
  // Paired significance tests between the models, from what each probe measured per image / episode.
  const comparisons = compareModels(paired, { seed: req.settings.seed });
  if (comparisons.length > 0) record.comparisons = comparisons;
  record.datasets[0] = withUsage(record.datasets[0], listing, plan, issues);
  return { record, paired };
}

/**
 * The request's batch size, or the model's own: as many images as its activations and both preprocessings'
 * pixels fit in the memory budget. Features do not depend on it (batch-invariance.test.ts).
 */
function batchSizeFor(req: EvalRequest, card: ModelCard): number {
  if (req.batchSize !== undefined) return req.batchSize;
  const { linear, fewshot } = card.preprocessing;
  const shape = {
    architecture: card.architecture,
    inputSize: card.inputSize,
    crops: [linear.crop, fewshot.crop],
  };
  return chooseBatchSize(shape, memoryBudget(req));
}

function memoryBudget(req: EvalRequest): number {
  return req.memoryBudgetBytes ?? defaultMemoryBudget(undefined);
}

interface ModelRun {
  req: EvalRequest;
  hooks: EvalHooks;
  listing: DatasetListing;
  plan: SplitPlan;
  record: ResultRecord;
  model: ModelRef;
  backbone: Backbone;
  /** Images per backbone batch for this model. */
  batchSize: number;
  /** Per-image / per-episode results of every probe so far, for the paired tests at the end of the run. */
  paired: PairedOutcome[];
  /** Crops kept for the next models with the same preprocessing (decode and resize once per run). */
  memo: PixelMemo;
  /** The images' content keys for the feature cache, hashed once per run. */
  contentKeys: Map<string, string>;
}

type RuleName = 'linear' | 'fewshot';

async function evaluateModel(run: ModelRun, probes: readonly ProbeDescriptor[]): Promise<void> {
  const table = sharedTables(run, rulesWanted(run, probes));
  const given: ProbeGifts = {};
  for (const probe of probes) {
    throwIfCancelled(run.hooks.cancel);
    const verdict = await preconditions(run, probe, table);
    reportNotComputed(run, verdict);
    if (!verdict.runs) continue;
    const outcome = await RUNNERS[probe.kind].run(probeContext(run, table, given, verdict));
    Object.assign(given, outcome.gives);
    publish(run, outcome);
    run.paired.push(...(outcome.paired ?? []));
  }
}

/** The preprocessings whose feature tables the probes will ask for (those that pass the plan's checks). */
function rulesWanted(run: ModelRun, probes: readonly ProbeDescriptor[]): RuleName[] {
  const facts = planFacts(run.listing, run.plan);
  const wanted = probes
    .filter((p) => p.needs.includes('pooled-features') && p.preconditions(facts, run.req.settings).runs)
    .map((p) => p.featureRule ?? 'linear');
  return [...new Set(wanted)];
}

/**
 * Feature tables built lazily, on the first probe that asks; that first request extracts every wanted
 * preprocessing in one pass over the images (one decode per image), so the few-shot table is ready when the
 * few-shot probe comes.
 */
function sharedTables(run: ModelRun, wanted: RuleName[]): (rule: RuleName) => Promise<FeatureTable> {
  const tables = new Map<RuleName, Promise<FeatureTable>>();
  return (rule) => {
    if (!tables.has(rule)) {
      const together = wanted.includes(rule) ? wanted.filter((w) => !tables.has(w)) : [rule];
      const built = featureTables(run, together);
      for (const w of together) {
        const one = built.then((all) => all[together.indexOf(w)]);
        one.catch(() => undefined); // a table no probe awaits (cancelled first) must not be an unhandled rejection
        tables.set(w, one);
      }
    }
    return tables.get(rule)!;
  };
}

/**
 * Checked twice, both before the probe's own work: on the split plan (so a hopeless dataset costs no feature
 * extraction), then on the feature table (images that could not be used are gone; features must be finite).
 */
async function preconditions(
  run: ModelRun,
  probe: ProbeDescriptor,
  table: (rule: RuleName) => Promise<FeatureTable>,
): Promise<PreconditionVerdict> {
  const { listing, plan, req } = run;
  const early = probe.preconditions(planFacts(listing, plan), req.settings);
  if (!early.runs || !probe.needs.includes('pooled-features')) return early;
  const built = await table(probe.featureRule ?? 'linear');
  return probe.preconditions(tableFacts(built, listing.classNames, listing.multiLabel), req.settings);
}

function reportNotComputed(run: ModelRun, verdict: PreconditionVerdict): void {
  if (verdict.notComputed.length === 0) return;
  const cell = { model: run.backbone.card.id, dataset: run.listing.name };
  const list = (run.record.notComputed ??= []);
  for (const part of verdict.notComputed) {
    if (!list.some((n) => n.model === cell.model && n.dataset === cell.dataset && n.probe === part.probe))
      list.push({ ...cell, ...part });
  }
  run.hooks.onRecord?.(structuredClone(run.record));
}

function publish(run: ModelRun, outcome: ProbeOutcome): void {
  const { record, backbone, listing } = run;
  record.scores.push(...outcome.scores);
  Object.assign(record.protocol, outcome.protocol);
  for (const detail of outcome.details ?? []) {
    const details = (record.details ??= {});
    const byModel = (details[detail.kind] ??= {}) as Record<string, Record<string, unknown>>;
    (byModel[backbone.card.id] ??= {})[listing.name] = detail.value;
  }
  run.hooks.onRecord?.(structuredClone(record));
}

function probeContext(
  run: ModelRun,
  table: (rule: RuleName) => Promise<FeatureTable>,
  given: ProbeGifts,
  verdict: PreconditionVerdict,
): ProbeContext {
  const { req, hooks, backbone } = run;
  return {
    settings: req.settings,
    listing: run.listing,
    plan: run.plan,
    model: run.model,
    backbone,
    source: req.source,
    decode: hooks.decode,
    cache: hooks.cache,
    pixels: hooks.pixels,
    batchSize: run.batchSize,
    table,
    given,
    verdict,
    cancel: hooks.cancel,
    onProgress: (p) =>
      hooks.onProgress?.({ ...p, stage: `${backbone.card.name}: ${p.stage}`, model: backbone.card.id }),
    onIssues: (issues) => hooks.onIssues?.(issues),
  };
}

/** The images of a preprocessing's table, in table order: few-shot pools every split (protocol). */
function tableItems(plan: SplitPlan, which: RuleName): number[] {
  return which === 'fewshot' ? plan.pool : [...plan.train, ...(plan.val ?? []), ...plan.test];
}

/**
 * The model's features under each of the given preprocessings for every listed image, in one pass (each
 * image decoded once; the cache makes reruns free).
 */
async function featureTables(run: ModelRun, which: RuleName[]): Promise<FeatureTable[]> {
  const { backbone, listing, hooks, req, plan } = run;
  const views = which.map((w) => {
    const rule = backbone.card.preprocessing[w];
    return {
      rule,
      keys: tableItems(plan, w).map((i) => listing.items[i].key),
      cacheNamespace: `${backbone.card.weightsHash}/${ruleKey(rule)}/${listing.fingerprint}`,
    };
  });
  const result = await extractFeatureSets({
    source: req.source,
    views,
    backbone,
    decode: hooks.decode,
    pixels: hooks.pixels,
    memo: run.memo,
    cache: hooks.cache,
    contentKeys: run.contentKeys,
    batchSize: run.batchSize,
    cancel: hooks.cancel,
    stage: `${backbone.card.name}: features (${which.join(' + ')})`,
    onProgress: (p) => hooks.onProgress?.({ ...p, model: backbone.card.id }),
  });
  if (result.issues.length) hooks.onIssues?.(result.issues);
  const position = new Map(listing.items.map((item, i) => [item.key, i]));
  return result.sets.map((set) => {
    const used = set.usedKeys.map((k) => position.get(k)!);
    return buildFeatureTable(listing, plan, used, set.features, backbone.card.featureSize);
  });
}
