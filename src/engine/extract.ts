// Feature extraction: dataset items → decoded, preprocessed pixels → backbone features, through the cache.
// Images that fail to decode are reported by key and left out; they never stop the run.
// The next batch's pixels are prepared while the current batch runs on the backbone: with a PixelSource
// (a pool of pixel workers) that is real parallelism; in-thread it still overlaps the file reads.

import { sha256Hex } from '../core/hash.ts';
import { preprocessInto } from '../core/pixels/preprocess.ts';
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
 * Turns one image's encoded bytes into model input: crop·crop·3 float32 HWC in [0, 1], exactly
 * `preprocess(decode(bytes), rule)` with the platform's standard decoder. Rejects with a DecodeError for an
 * unusable image (the key is then skipped or refused); any other rejection stops the extraction.
 * It may take ownership of `bytes` (transfer them to a worker).
 */
export interface PixelSource {
  pixels(bytes: Uint8Array, key: string, rule: ResizeRule): Promise<Float32Array>;
}

export interface ExtractOptions {
  source: DatasetSource;
  keys: string[];
  backbone: Backbone;
  rule: ResizeRule;
  decode: ImageDecoder;
  /**
   * Where decode + preprocess run. Default: in this thread with `decode`. A pool (createNodePixelPool,
   * createBrowserPixelPool) uses the standard decoder, so leave it out when `decode` is a special one
   * (e.g. the greyscale wrapper of colour/reliance.ts).
   */
  pixels?: PixelSource;
  /** Namespace in the cache: weights hash + preprocessing + dataset fingerprint. */
  cacheNamespace: string;
  cache?: FeatureCache;
  batchSize: number;
  cancel?: CancelToken;
  onProgress?: (p: Progress) => void;
  stage: string;
}

export interface ExtractResult {
  /** Features of the keys that could be used, row-major (usedKeys.length × featureSize). */
  features: Float32Array;
  usedKeys: string[];
  issues: InputIssue[];
  fromCache: number;
}

/** A short, stable name for a resize rule, used in cache namespaces. */
export function ruleKey(rule: ResizeRule): string {
  return `${rule.mode}-${rule.resize}-${rule.crop}-${rule.interpolation}`;
}

export async function extractFeatures(opts: ExtractOptions): Promise<ExtractResult> {
  const { keys, backbone, batchSize } = opts;
  const dim = backbone.card.featureSize;
  const rows = new Map<string, Float32Array>();
  const issues: InputIssue[] = [];
  const tracker = progressTracker(opts.stage, keys.length);

  const cacheKeys = opts.cache ? await contentKeys(opts.source, keys) : new Map<string, string>();
  const cached = opts.cache
    ? await opts.cache.get(
        opts.cacheNamespace,
        keys.map((k) => cacheKeys.get(k)!),
      )
    : [];
  const todo: string[] = [];
  keys.forEach((key, i) => {
    const hit = cached[i];
    if (hit && hit.length === dim) rows.set(key, hit);
    else todo.push(key);
  });
  const fromCache = rows.size;
  opts.onProgress?.(tracker.update(fromCache, fromCache ? `${fromCache} from cache` : undefined));

  const batchAt = (start: number) => loadBatch(opts, todo.slice(start, start + batchSize));
  let next = todo.length > 0 ? batchAt(0) : null;
  try {
    for (let start = 0; start < todo.length; start += batchSize) {
      throwIfCancelled(opts.cancel);
      const { pixels, okKeys, failed } = await next!;
      // Prefetch: the following batch decodes while this one is on the backbone.
      next = start + batchSize < todo.length ? batchAt(start + batchSize) : null;
      issues.push(...failed);
      if (okKeys.length > 0) {
        const feats = await backbone.embed({ data: pixels, n: okKeys.length, size: opts.rule.crop });
        const entries = okKeys.map((key, i) => ({ key, features: feats.slice(i * dim, (i + 1) * dim) }));
        for (const e of entries) rows.set(e.key, e.features);
        await opts.cache?.put(
          opts.cacheNamespace,
          entries.map((e) => ({ key: cacheKeys.get(e.key)!, features: e.features })),
        );
      }
      opts.onProgress?.(tracker.update(fromCache + Math.min(start + batchSize, todo.length)));
    }
  } finally {
    // Stopped early (cancel, backbone error): the prefetched batch is abandoned, never an unhandled rejection.
    next?.catch(() => undefined);
  }

  const usedKeys = keys.filter((k) => rows.has(k));
  const features = new Float32Array(usedKeys.length * dim);
  usedKeys.forEach((k, i) => {
    features.set(rows.get(k)!, i * dim);
  });
  return { features, usedKeys, issues, fromCache };
}

/**
 * Cache keys from content: the sha256 of each item's bytes (read one at a time), so an image replaced by
 * another of the same name and size never gets the old one's features. An unreadable item gets a key no
 * content can have; its read fails again when it is decoded and it is reported there.
 */
async function contentKeys(source: DatasetSource, keys: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const key of keys) {
    try {
      out.set(key, `sha256:${await sha256Hex(await source.read(key))}`);
    } catch {
      out.set(key, `unreadable:${key}`);
    }
  }
  return out;
}

interface Batch {
  pixels: Float32Array;
  okKeys: string[];
  failed: InputIssue[];
}

function loadBatch(opts: ExtractOptions, keys: string[]): Promise<Batch> {
  return opts.pixels ? loadBatchFrom(opts.pixels, opts, keys) : loadBatchInThread(opts, keys);
}

/** One image at a time (bounded memory), each written straight into the batch buffer. */
async function loadBatchInThread(opts: ExtractOptions, keys: string[]): Promise<Batch> {
  const per = opts.rule.crop * opts.rule.crop * 3;
  const pixels = new Float32Array(keys.length * per);
  const okKeys: string[] = [];
  const failed: InputIssue[] = [];
  for (const key of keys) {
    try {
      const img = await opts.decode(await opts.source.read(key), key);
      preprocessInto(img, opts.rule, pixels, okKeys.length * per);
      okKeys.push(key);
    } catch (err) {
      failed.push(asIssue(key, err));
    }
  }
  return { pixels: pixels.subarray(0, okKeys.length * per), okKeys, failed };
}

/** The whole batch at once, so every worker of a pool is busy; rows keep the order of `keys`. */
async function loadBatchFrom(source: PixelSource, opts: ExtractOptions, keys: string[]): Promise<Batch> {
  const per = opts.rule.crop * opts.rule.crop * 3;
  const results = await Promise.all(
    keys.map(async (key): Promise<Float32Array | InputIssue> => {
      try {
        return await source.pixels(await opts.source.read(key), key, opts.rule);
      } catch (err) {
        if (isPoolFailure(err)) throw err;
        return asIssue(key, err);
      }
    }),
  );
  const pixels = new Float32Array(keys.length * per);
  const okKeys: string[] = [];
  const failed: InputIssue[] = [];
  results.forEach((r, i) => {
    if (r instanceof Float32Array) {
      if (r.length !== per)
        throw new Error(`pixel source gave ${r.length} values for ${keys[i]}, not ${per}`);
      pixels.set(r, okKeys.length * per);
      okKeys.push(keys[i]);
    } else failed.push(r);
  });
  return { pixels: pixels.subarray(0, okKeys.length * per), okKeys, failed };
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
