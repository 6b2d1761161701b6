// One decode per image for both preprocessings: the linear and few-shot feature sets extracted in one pass
// equal (bit for bit) the sets extracted one pass per preprocessing, as the pipeline did before, and equal
// a plain per-image reference (decode → preprocess → backbone, batch of one); the decoder is called once
// per image; the records of a run with both probes equal those of one run per probe.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelRef } from '../cli/models-on-disk.ts';
import { preprocess } from '../core/pixels/preprocess.ts';
import type { ResultRecord } from '../core/record/types.ts';
import { CancelledError, type ImageDecoder, type Progress } from '../core/types.ts';
import { createChunkedFeatureCache } from '../platform/cache/chunked.ts';
import { decodeImageNode } from '../platform/node/decode.ts';
import { nodeFolderSource } from '../platform/node/folder.ts';
import { loadAnyBackbone } from './backbones.ts';
import { initBackend } from './backend.ts';
import { extractFeatureSets, extractFeatures, type FeatureView, ruleKey } from './extract.ts';
import { DEFAULT_SETTINGS, type EvalRequest, evaluate, type ModelRef } from './pipeline.ts';
import { memoryChunkStore } from './test-memory-store.ts';
import { makePhotoFolder, photosUnavailableReason } from './test-photo-folder.ts';
import type { Backbone } from './types.ts';

const skip = photosUnavailableReason();
if (skip) console.warn(skip);

/** The platform decoder, counting its calls per key. */
function countingDecoder(): { decode: ImageDecoder; calls: Map<string, number>; total: () => number } {
  const calls = new Map<string, number>();
  return {
    decode: (bytes, key) => {
      calls.set(key, (calls.get(key) ?? 0) + 1);
      return decodeImageNode(bytes, key);
    },
    calls,
    total: () => [...calls.values()].reduce((a, b) => a + b, 0),
  };
}

function bits(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

describe.skipIf(skip !== null)('one decode per image for the linear and few-shot preprocessing', () => {
  let root: string;
  let ref: ModelRef;
  let backbone: Backbone;
  let keys: string[];
  let views: FeatureView[];
  beforeAll(async () => {
    await initBackend('cpu');
    root = await makePhotoFolder({ classes: 3, train: 7, test: 3, minSide: 40, seed: 5 });
    ref = await loadModelRef('zoo-supervised-r10n');
    backbone = await loadAnyBackbone(ref.card, ref.read);
    const listing = await nodeFolderSource(root).list();
    keys = listing.items.map((i) => i.key);
    const { linear, fewshot } = ref.card.preprocessing;
    expect(ruleKey(linear)).not.toBe(ruleKey(fewshot));
    // Different orders per view, as the pipeline's tables have (train, val, test vs the pool).
    views = [
      { rule: linear, keys, cacheNamespace: 'linear' },
      { rule: fewshot, keys: [...keys].reverse(), cacheNamespace: 'fewshot' },
    ];
  });
  afterAll(() => backbone?.dispose());

  const common = (decode: ImageDecoder) => ({
    source: nodeFolderSource(root),
    backbone,
    decode,
    batchSize: 4,
    stage: 'features',
  });

  it('gives the features of one pass per preprocessing, bit for bit, decoding each image once', async () => {
    const shared = countingDecoder();
    const progress: Progress[] = [];
    const together = await extractFeatureSets({
      ...common(shared.decode),
      views,
      onProgress: (p) => progress.push(p),
    });
    const separate = countingDecoder();
    const apart: Awaited<ReturnType<typeof extractFeatures>>[] = [];
    for (const view of views) apart.push(await extractFeatures({ ...common(separate.decode), ...view }));

    expect(keys).toContain('train/class-0/broken.jpg');
    expect(shared.calls.size).toBe(keys.length);
    expect([...shared.calls.values()].every((n) => n === 1)).toBe(true);
    expect(separate.total()).toBe(2 * keys.length);
    expect(together.issues.map((i) => [i.key, i.action])).toEqual([['train/class-0/broken.jpg', 'skipped']]);
    views.forEach((view, v) => {
      expect(together.sets[v].usedKeys).toEqual(view.keys.filter((k) => !k.endsWith('broken.jpg')));
      expect(together.sets[v].usedKeys).toEqual(apart[v].usedKeys);
      expect(bits(together.sets[v].features)).toEqual(bits(apart[v].features));
    });
    // Progress counts images (not images × views) and ends at all of them.
    expect(progress.at(-1)).toMatchObject({ done: keys.length, total: keys.length });
  });

  it('equals a per-image reference: decode, preprocess under each rule, the backbone on a batch of one', async () => {
    const together = await extractFeatureSets({ ...common(decodeImageNode), views });
    const source = nodeFolderSource(root);
    const dim = backbone.card.featureSize;
    for (const [v, view] of views.entries()) {
      const set = together.sets[v];
      for (const [row, key] of set.usedKeys.entries()) {
        const img = await decodeImageNode(await source.read(key), key);
        const data = preprocess(img, view.rule);
        const want = await backbone.embed({ data, n: 1, size: view.rule.crop });
        expect(bits(set.features.subarray(row * dim, (row + 1) * dim))).toEqual(bits(want));
      }
    }
  });

  it('decodes only what the cache lacks: a cached view costs no decode, a fully cached image no read', async () => {
    const cache = createChunkedFeatureCache(memoryChunkStore());
    const first = await extractFeatures({ ...common(decodeImageNode), ...views[0], cache });
    expect(first.fromCache).toBe(0);
    const counted = countingDecoder();
    const both = await extractFeatureSets({ ...common(counted.decode), views, cache });
    expect(both.sets[0].fromCache).toBe(first.usedKeys.length);
    expect(both.sets[1].fromCache).toBe(0);
    expect(counted.calls.size).toBe(keys.length); // the few-shot view needs every image, decoded once
    expect(counted.total()).toBe(keys.length);
    expect(bits(both.sets[0].features)).toEqual(bits(first.features));
    const again = countingDecoder();
    const cached = await extractFeatureSets({ ...common(again.decode), views, cache });
    expect([...again.calls.keys()]).toEqual(['train/class-0/broken.jpg']); // never cached: tried again
    views.forEach((_, v) => {
      expect(bits(cached.sets[v].features)).toEqual(bits(both.sets[v].features));
    });
  });

  it('stops with CancelledError when cancelled between batches', async () => {
    const cancel = { cancelled: false };
    const run = extractFeatureSets({
      ...common(decodeImageNode),
      views,
      cancel,
      onProgress: (p) => {
        if (p.done > 0) cancel.cancelled = true;
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });

  describe('through evaluate', () => {
    const settings = { ...DEFAULT_SETTINGS, fewshot: { ways: 3, shots: [2], queries: 3, episodes: 40 } };
    const request = (probes: EvalRequest['probes']): EvalRequest => ({
      models: [ref],
      source: nodeFolderSource(root),
      probes,
      settings,
      backend: 'cpu',
      batchSize: 4,
    });
    const scoresOf = (r: ResultRecord) => r.scores;

    it('the record of a linear + few-shot run equals the linear-only and few-shot-only records joined', async () => {
      const shared = countingDecoder();
      const stages = new Set<string>();
      const both = await evaluate(request(['linear', 'fewshot']), {
        decode: shared.decode,
        onProgress: (p) => stages.add(p.stage),
      });
      const linear = countingDecoder();
      const linearOnly = await evaluate(request(['linear']), { decode: linear.decode });
      const fewshot = countingDecoder();
      const fewshotOnly = await evaluate(request(['fewshot']), { decode: fewshot.decode });

      expect(shared.total()).toBe(keys.length);
      expect(linear.total()).toBe(keys.length);
      expect(fewshot.total()).toBe(keys.length);
      expect([...stages].filter((s) => s.includes('features'))).toEqual([
        `${ref.card.name}: features (linear + fewshot)`,
      ]);
      expect(scoresOf(both)).toEqual([...scoresOf(linearOnly), ...scoresOf(fewshotOnly)]);
      expect(both.scores.map((s) => s.probe)).toEqual(
        expect.arrayContaining(['linear', 'fewshot-3way-2shot']),
      );
      expect(both.datasets).toEqual(linearOnly.datasets);
      expect(both.protocol).toEqual({ ...linearOnly.protocol, ...fewshotOnly.protocol });
    });

    it('decodes once for every model sharing the preprocessing; the record equals a run without the memo', async () => {
      const models = [ref, await loadModelRef('zoo-simclr-r10n')];
      const shared = countingDecoder();
      const withMemo = await evaluate(
        { ...request(['linear', 'fewshot']), models, batchSize: undefined },
        {
          decode: shared.decode,
        },
      );
      // A budget of one byte: batches of one image, no crop kept, every model decodes every image.
      const apart = countingDecoder();
      const without = await evaluate(
        { ...request(['linear', 'fewshot']), models, batchSize: undefined, memoryBudgetBytes: 1 },
        { decode: apart.decode },
      );
      // The broken file is never kept: each model tries it again.
      expect(shared.total()).toBe(keys.length + 1);
      expect(shared.calls.get('train/class-0/broken.jpg')).toBe(2);
      expect(apart.total()).toBe(2 * keys.length);
      const { createdAt: _a, ...a } = withMemo;
      const { createdAt: _b, ...b } = without;
      expect(a).toEqual(b);
      expect(withMemo.comparisons?.length).toBeGreaterThan(0);
    });

    it('with the feature cache on, a two-model run reads each image twice in all (hash once, decode once)', async () => {
      const models = [ref, await loadModelRef('zoo-simclr-r10n')];
      const reads = new Map<string, number>();
      const plain = nodeFolderSource(root);
      const source = {
        ...plain,
        list: () => plain.list(),
        read: (key: string) => {
          reads.set(key, (reads.get(key) ?? 0) + 1);
          return plain.read(key);
        },
      };
      const cache = createChunkedFeatureCache(memoryChunkStore());
      const run = await evaluate(
        { ...request(['linear', 'fewshot']), models, source, batchSize: undefined },
        { decode: decodeImageNode, cache },
      );
      const good = keys.filter((k) => !k.endsWith('broken.jpg'));
      expect(good.map((k) => reads.get(k))).toEqual(good.map(() => 2));
      expect(reads.get('train/class-0/broken.jpg')).toBe(3); // hashed once, decoded by each model
      expect(run.scores.length).toBeGreaterThan(0);
    });
  });
});
