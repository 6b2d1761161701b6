// Feature extraction: dataset items → decoded, preprocessed pixels → backbone features, through the cache.
// Images that fail to decode are reported by key and left out; they never stop the run.
// Several preprocessings of one backbone (linear and few-shot) share one pass: each image is decoded once.
// The next batch's pixels are prepared while the current batch runs on the backbone: with a PixelSource
// (a pool of pixel workers) that is real parallelism; in-thread it still overlaps the file reads.

import { sha256Hex } from '../core/hash.ts';
import type { PixelMemo } from '../core/pixels/memo.ts';
import { resizeAndCrop, writeUnitFloat } from '../core/pixels/preprocess.ts';
import { progressTracker } from '../core/progress.ts';
import type {
  CancelToken,
  DatasetSource,
  FeatureCache,
  ImageDecoder,
  InputIssue,
  Progress,
  ResizeRule,
} from '../core/types.ts';
import { CancelledError } from '../core/types.ts';
import { DecodeError, issueFromDecodeError } from '../platform/decode/errors.ts';
import type { Backbone } from './types.ts';

/**
 * Turns one image's encoded bytes into its 8-bit crops, one per rule, from ONE decode: each is crop·crop·3
 * bytes HWC, exactly `resizeAndCrop(decode(bytes), rule).data` with the platform's standard decoder (the
 * model input is that /255, `writeUnitFloat`). Rejects with a DecodeError for an unusable image (the key is
 * then skipped or refused); any other rejection stops the extraction. It may take ownership of `bytes`
 * (transfer them to a worker).
 */
export interface PixelSource {
  cropSets(bytes: Uint8Array, key: string, rules: readonly ResizeRule[]): Promise<Uint8Array[]>;
}

/** One feature set to extract: a preprocessing rule, the images in the order wanted, its cache namespace. */
export interface FeatureView {
  rule: ResizeRule;
  keys: string[];
  /** Namespace in the cache: weights hash + preprocessing + dataset fingerprint. */
  cacheNamespace: string;
}

interface ExtractCommon {
  source: DatasetSource;
  backbone: Backbone;
  decode: ImageDecoder;
  /**
   * Where decode + preprocess run. Default: in this thread with `decode`. A pool (createNodePixelPool,
   * createBrowserPixelPool) uses the standard decoder, so leave it out when `decode` is a special one
   * (e.g. the greyscale wrapper of colour/reliance.ts).
   */
  pixels?: PixelSource;
  /**
   * Crops kept from earlier models of the run (same rule, same image): a hit costs no read or decode. Only
   * with the standard decoder, like `pixels`.
   */
  memo?: PixelMemo;
  cache?: FeatureCache;
  /**
   * Content keys (sha256 of the bytes) known from earlier models of the run, filled as they are computed, so
   * a run reads and hashes each image once for the cache, not once per model.
   */
  contentKeys?: Map<string, string>;
  batchSize: number;
  cancel?: CancelToken;
  onProgress?: (p: Progress) => void;
  stage: string;
}

export interface ExtractOptions extends ExtractCommon {
  keys: string[];
  rule: ResizeRule;
  /** Namespace in the cache: weights hash + preprocessing + dataset fingerprint. */
  cacheNamespace: string;
}

export interface ExtractSetsOptions extends ExtractCommon {
  views: FeatureView[];
}

export interface ExtractResult {
  /** Features of the keys that could be used, row-major (usedKeys.length × featureSize). */
  features: Float32Array;
  usedKeys: string[];
  issues: InputIssue[];
  fromCache: number;
}

export interface ViewFeatures {
  /** Features of the view's keys that could be used, in the view's order (usedKeys.length × featureSize). */
  features: Float32Array;
  usedKeys: string[];
  fromCache: number;
}

export interface ExtractSetsResult {
  /** One per view, in the order of `views`. */
  sets: ViewFeatures[];
  /** Each unusable image once, whatever the number of views that wanted it. */
  issues: InputIssue[];
}

/** A short, stable name for a resize rule, used in cache namespaces. */
export function ruleKey(rule: ResizeRule): string {
  return `${rule.mode}-${rule.resize}-${rule.crop}-${rule.interpolation}`;
}

/** One feature set: `extractFeatureSets` with a single view. */
export async function extractFeatures(opts: ExtractOptions): Promise<ExtractResult> {
  const { keys, rule, cacheNamespace, ...common } = opts;
  const { sets, issues } = await extractFeatureSets({ ...common, views: [{ rule, keys, cacheNamespace }] });
  return { ...sets[0], issues };
}

/**
 * Several feature sets of one backbone (e.g. the linear and the few-shot preprocessing) in one pass over the
 * images: each image is read and decoded once, preprocessed once per view that still needs it (not cached),
 * and each view's pixels go through the backbone in their own batches. A backbone's features of an image
 * do not depend on the other images of its batch (checked by batch-invariance.test.ts), so the features
 * equal those of one pass per view.
 */
export async function extractFeatureSets(opts: ExtractSetsOptions): Promise<ExtractSetsResult> {
  const { views, backbone, batchSize } = opts;
  const dim = backbone.card.featureSize;
  const rows = views.map(() => new Map<string, Float32Array>());
  const issues: InputIssue[] = [];
  const allKeys = [...new Set(views.flatMap((v) => v.keys))];
  const tracker = progressTracker(opts.stage, allKeys.length);

  const cacheKeys = opts.cache
    ? await contentKeys(opts.source, allKeys, opts.contentKeys ?? new Map())
    : new Map<string, string>();
  const fromCache = await Promise.all(views.map((view, v) => fillFromCache(opts, view, cacheKeys, rows[v])));
  // The views each image still needs; an image every view has cached is never read again.
  const wanted = new Map<string, number[]>();
  views.forEach((view, v) => {
    for (const key of view.keys) if (!rows[v].has(key)) wanted.set(key, [...(wanted.get(key) ?? []), v]);
  });
  const todo = allKeys.filter((k) => wanted.has(k));
  const allCached = allKeys.length - todo.length;
  opts.onProgress?.(tracker.update(allCached, allCached ? `${allCached} from cache` : undefined));

  const batchAt = (start: number) => loadBatch(opts, todo.slice(start, start + batchSize), wanted);
  let next = todo.length > 0 ? batchAt(0) : null;
  try {
    for (let start = 0; start < todo.length; start += batchSize) {
      throwIfCancelled(opts.cancel);
      const batch = await next!;
      // Prefetch: the following batch decodes while this one is on the backbone.
      next = start + batchSize < todo.length ? batchAt(start + batchSize) : null;
      issues.push(...batch.failed);
      for (let v = 0; v < views.length; v++)
        await embedView(opts, views[v], batch.views[v], cacheKeys, rows[v]);
      opts.onProgress?.(tracker.update(allCached + Math.min(start + batchSize, todo.length)));
    }
  } finally {
    // Stopped early (cancel, backbone error): the prefetched batch is abandoned, never an unhandled rejection.
    next?.catch(() => undefined);
  }
  const sets = views.map((view, v) => gathered(view.keys, rows[v], dim, fromCache[v]));
  return { sets, issues };
}

async function fillFromCache(
  opts: ExtractSetsOptions,
  view: FeatureView,
  cacheKeys: Map<string, string>,
  rows: Map<string, Float32Array>,
): Promise<number> {
  if (!opts.cache) return 0;
  const dim = opts.backbone.card.featureSize;
  const cached = await opts.cache.get(
    view.cacheNamespace,
    view.keys.map((k) => cacheKeys.get(k)!),
  );
  view.keys.forEach((key, i) => {
    const hit = cached[i];
    if (hit && hit.length === dim) rows.set(key, hit);
  });
  return rows.size;
}

/** One view's share of a batch through the backbone, into its rows and the cache. */
async function embedView(
  opts: ExtractSetsOptions,
  view: FeatureView,
  part: ViewBatch,
  cacheKeys: Map<string, string>,
  rows: Map<string, Float32Array>,
): Promise<void> {
  if (part.okKeys.length === 0) return;
  const dim = opts.backbone.card.featureSize;
  const feats = await opts.backbone.embed({ data: part.pixels, n: part.okKeys.length, size: view.rule.crop });
  const entries = part.okKeys.map((key, i) => ({ key, features: feats.slice(i * dim, (i + 1) * dim) }));
  for (const e of entries) rows.set(e.key, e.features);
  await opts.cache?.put(
    view.cacheNamespace,
    entries.map((e) => ({ key: cacheKeys.get(e.key)!, features: e.features })),
  );
}

function gathered(
  keys: string[],
  rows: Map<string, Float32Array>,
  dim: number,
  fromCache: number,
): ViewFeatures {
  const usedKeys = keys.filter((k) => rows.has(k));
  const features = new Float32Array(usedKeys.length * dim);
  usedKeys.forEach((k, i) => {
    features.set(rows.get(k)!, i * dim);
  });
  return { features, usedKeys, fromCache };
}

/**
 * Cache keys from content: the sha256 of each item's bytes (read one at a time), so an image replaced by
 * another of the same name and size never gets the old one's features. An unreadable item gets a key no
 * content can have; its read fails again when it is decoded and it is reported there. Keys go into `known`,
 * which a run shares between its models (the files are the listing's for the whole run).
 */
async function contentKeys(
  source: DatasetSource,
  keys: string[],
  known: Map<string, string>,
): Promise<Map<string, string>> {
  for (const key of keys) {
    if (known.has(key)) continue;
    try {
      known.set(key, `sha256:${await sha256Hex(await source.read(key))}`);
    } catch {
      known.set(key, `unreadable:${key}`);
    }
  }
  return known;
}

/** One view's images of a batch: their pixels, row after row, in batch order. */
interface ViewBatch {
  pixels: Float32Array;
  okKeys: string[];
}

interface Batch {
  views: ViewBatch[];
  failed: InputIssue[];
}

/** Per view, a buffer with room for every image of the batch that view wants; filled in batch order. */
class BatchBuffers {
  private readonly parts: { pixels: Float32Array; okKeys: string[]; per: number }[];
  constructor(views: FeatureView[], keys: string[], wanted: Map<string, number[]>) {
    this.parts = views.map((view, v) => {
      const per = view.rule.crop * view.rule.crop * 3;
      const count = keys.filter((k) => wanted.get(k)!.includes(v)).length;
      return { pixels: new Float32Array(count * per), okKeys: [], per };
    });
  }
  buffer(v: number): Float32Array {
    return this.parts[v].pixels;
  }
  /** Where the next image of view `v` goes (floats). */
  offset(v: number): number {
    return this.parts[v].okKeys.length * this.parts[v].per;
  }
  add(v: number, key: string): void {
    this.parts[v].okKeys.push(key);
  }
  batch(failed: InputIssue[]): Batch {
    const views = this.parts.map((p) => ({
      pixels: p.pixels.subarray(0, p.okKeys.length * p.per),
      okKeys: p.okKeys,
    }));
    return { views, failed };
  }
}

function loadBatch(opts: ExtractSetsOptions, keys: string[], wanted: Map<string, number[]>): Promise<Batch> {
  return opts.pixels ? loadBatchFrom(opts.pixels, opts, keys, wanted) : loadBatchInThread(opts, keys, wanted);
}

/** The crops of `key` the memo already has, by view; the views still to compute. */
function fromMemo(opts: ExtractSetsOptions, key: string, views: number[]) {
  const crops = new Map<number, Uint8Array>();
  for (const v of views) {
    const crop = opts.memo?.get(ruleKey(opts.views[v].rule), key);
    if (crop) crops.set(v, crop);
  }
  return { crops, missing: views.filter((v) => !crops.has(v)) };
}

/** Each view's crop of one image as model input in the view's buffer; the crops the memo can keep, kept. */
function place(opts: ExtractSetsOptions, buffers: BatchBuffers, key: string, crops: Map<number, Uint8Array>) {
  for (const [v, crop] of crops) {
    const per = opts.views[v].rule.crop ** 2 * 3;
    if (crop.length !== per)
      throw new Error(`pixel source gave ${crop.length} values for ${key}, not ${per}`);
    opts.memo?.put(ruleKey(opts.views[v].rule), key, crop);
  }
  // In view order, all after the checks: an image is in every view it was wanted for, or in none.
  for (const [v, crop] of [...crops].sort((x, y) => x[0] - y[0])) {
    writeUnitFloat(crop, buffers.buffer(v), buffers.offset(v));
    buffers.add(v, key);
  }
}

/** One image at a time (bounded memory): one decode for the views the memo lacks, crops written as floats. */
async function loadBatchInThread(
  opts: ExtractSetsOptions,
  keys: string[],
  wanted: Map<string, number[]>,
): Promise<Batch> {
  const buffers = new BatchBuffers(opts.views, keys, wanted);
  const failed: InputIssue[] = [];
  for (const key of keys) {
    try {
      const { crops, missing } = fromMemo(opts, key, wanted.get(key)!);
      if (missing.length > 0) {
        const img = await opts.decode(await opts.source.read(key), key);
        for (const v of missing) crops.set(v, resizeAndCrop(img, opts.views[v].rule).data);
      }
      place(opts, buffers, key, crops);
    } catch (err) {
      failed.push(asIssue(key, err));
    }
  }
  return buffers.batch(failed);
}

/** The whole batch at once, so every worker of a pool is busy; rows keep the order of `keys`. */
async function loadBatchFrom(
  source: PixelSource,
  opts: ExtractSetsOptions,
  keys: string[],
  wanted: Map<string, number[]>,
): Promise<Batch> {
  const results = await Promise.all(
    keys.map(async (key): Promise<Map<number, Uint8Array> | InputIssue> => {
      try {
        const { crops, missing } = fromMemo(opts, key, wanted.get(key)!);
        if (missing.length === 0) return crops;
        const rules = missing.map((v) => opts.views[v].rule);
        const got = await source.cropSets(await opts.source.read(key), key, rules);
        missing.forEach((v, i) => {
          crops.set(v, got[i] ?? new Uint8Array(0));
        });
        return crops;
      } catch (err) {
        if (isPoolFailure(err)) throw err;
        return asIssue(key, err);
      }
    }),
  );
  const buffers = new BatchBuffers(opts.views, keys, wanted);
  const failed: InputIssue[] = [];
  results.forEach((r, i) => {
    if (r instanceof Map) place(opts, buffers, keys[i], r);
    else failed.push(r);
  });
  return buffers.batch(failed);
}

/**
 * A broken pool (worker died, pool closed) is not a bad image: it must stop the run, not skip every file.
 * Matched by name: the engine does not import the platform's pool.
 */
function isPoolFailure(err: unknown): boolean {
  return err instanceof Error && err.name === 'PixelPoolError';
}

/** Decode errors know whether the file was refused (too large) or skipped; anything else is skipped. */
function asIssue(key: string, err: unknown): InputIssue {
  if (err instanceof DecodeError) return issueFromDecodeError(err);
  return { key, action: 'skipped', reason: err instanceof Error ? err.message : String(err) };
}

export function throwIfCancelled(cancel?: CancelToken): void {
  if (cancel?.cancelled) throw new CancelledError();
}
