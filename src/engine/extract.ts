// Feature extraction: dataset items → decoded, preprocessed pixels → backbone features, through the cache.
// Images that fail to decode are reported by key and left out; they never stop the run.

import { preprocess } from '../core/pixels/preprocess.ts';
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

export interface ExtractOptions {
  source: DatasetSource;
  keys: string[];
  backbone: Backbone;
  rule: ResizeRule;
  decode: ImageDecoder;
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

  const cached = opts.cache ? await opts.cache.get(opts.cacheNamespace, keys) : [];
  const todo: string[] = [];
  keys.forEach((key, i) => {
    const hit = cached[i];
    if (hit && hit.length === dim) rows.set(key, hit);
    else todo.push(key);
  });
  const fromCache = rows.size;
  opts.onProgress?.(tracker.update(fromCache, fromCache ? `${fromCache} from cache` : undefined));

  for (let start = 0; start < todo.length; start += batchSize) {
    throwIfCancelled(opts.cancel);
    const batchKeys = todo.slice(start, start + batchSize);
    const { pixels, okKeys, failed } = await loadBatch(opts, batchKeys);
    issues.push(...failed);
    if (okKeys.length > 0) {
      const feats = await backbone.embed({ data: pixels, n: okKeys.length, size: opts.rule.crop });
      const entries = okKeys.map((key, i) => ({ key, features: feats.slice(i * dim, (i + 1) * dim) }));
      for (const e of entries) rows.set(e.key, e.features);
      await opts.cache?.put(opts.cacheNamespace, entries);
    }
    opts.onProgress?.(tracker.update(fromCache + start + batchKeys.length));
  }

  const usedKeys = keys.filter((k) => rows.has(k));
  const features = new Float32Array(usedKeys.length * dim);
  usedKeys.forEach((k, i) => features.set(rows.get(k)!, i * dim));
  return { features, usedKeys, issues, fromCache };
}

async function loadBatch(
  opts: ExtractOptions,
  keys: string[],
): Promise<{ pixels: Float32Array; okKeys: string[]; failed: InputIssue[] }> {
  const per = opts.rule.crop * opts.rule.crop * 3;
  const pixels = new Float32Array(keys.length * per);
  const okKeys: string[] = [];
  const failed: InputIssue[] = [];
  for (const key of keys) {
    try {
      const img = await opts.decode(await opts.source.read(key), key);
      pixels.set(preprocess(img, opts.rule), okKeys.length * per);
      okKeys.push(key);
    } catch (err) {
      failed.push(asIssue(key, err));
    }
  }
  return { pixels: pixels.subarray(0, okKeys.length * per), okKeys, failed };
}

/** Decode errors know whether the file was refused (too large) or skipped; anything else is skipped. */
function asIssue(key: string, err: unknown): InputIssue {
  if (err instanceof DecodeError) return issueFromDecodeError(err);
  return { key, action: 'skipped', reason: err instanceof Error ? err.message : String(err) };
}

export function throwIfCancelled(cancel?: CancelToken): void {
  if (cancel?.cancelled) throw new CancelledError();
}
