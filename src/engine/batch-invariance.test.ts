// Batch size never changes a feature bit: the same images through extractFeatures with batches of 1, 8 and
// the size chooseBatchSize picks give identical features, on the cpu and wasm backends (ResNet, MobileNetV2, ViT). The pipeline may
// therefore size batches per model for memory and speed without touching records.

import { describe, expect, it } from 'vitest';
import { loadModelRef } from '../cli/models-on-disk.ts';
import { chooseBatchSize, defaultMemoryBudget } from '../core/batch-size.ts';
import { decodeImageNode } from '../platform/node/decode.ts';
import { nodeFolderSource } from '../platform/node/folder.ts';
import { loadAnyBackbone } from './backbones.ts';
import { initBackend } from './backend.ts';
import { extractFeatures } from './extract.ts';
import { makePhotoFolder, photosUnavailableReason } from './test-photo-folder.ts';
import { tinyVit } from './test-tiny-vit.ts';

const skip = photosUnavailableReason();
if (skip) console.warn(skip);

function bits(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

// MobileNetV2 (224 px) on the cpu backend takes minutes (plain JS kernels), so it is checked on wasm only.
// 'tiny-vit' is a seeded random ViT (attention: batched matrix products and softmax).
const CASES: ['cpu' | 'wasm', string][] = [
  ['cpu', 'zoo-supervised-r10n'],
  ['wasm', 'zoo-supervised-r10n'],
  ['wasm', 'nsfwjs-mobilenetv2'],
  ['cpu', 'tiny-vit'],
  ['wasm', 'tiny-vit'],
];

describe.skipIf(skip !== null)('features do not depend on the batch size', () => {
  it.each(CASES)('%s, %s: batch 1 = batch 8 = the chosen batch, bit for bit', async (backend, id) => {
    await initBackend(backend);
    const root = await makePhotoFolder({ classes: 2, train: 5, test: 2, minSide: 40, seed: 9 });
    const ref = id === 'tiny-vit' ? await tinyVit() : await loadModelRef(id);
    const backbone = await loadAnyBackbone(ref.card, ref.read);
    try {
      const source = nodeFolderSource(root);
      const keys = (await source.list()).items.map((i) => i.key);
      const { linear, fewshot } = ref.card.preprocessing;
      const chosen = chooseBatchSize(
        {
          architecture: ref.card.architecture,
          inputSize: ref.card.inputSize,
          crops: [linear.crop, fewshot.crop],
        },
        defaultMemoryBudget(undefined),
      );
      expect(chosen).toBeGreaterThan(8);
      const run = (batchSize: number) =>
        extractFeatures({
          source,
          keys,
          backbone,
          rule: linear,
          decode: decodeImageNode,
          cacheNamespace: 'x',
          batchSize,
          stage: 'features',
        });
      const one = await run(1);
      expect(one.usedKeys.length).toBe(keys.length - 1); // all but broken.jpg
      expect(one.features.every(Number.isFinite)).toBe(true);
      expect(new Set(one.features).size).toBeGreaterThan(keys.length); // real, varied features
      for (const size of [8, chosen]) {
        const other = await run(size);
        expect(other.usedKeys).toEqual(one.usedKeys);
        expect(bits(other.features)).toEqual(bits(one.features));
      }
    } finally {
      backbone.dispose();
    }
  });
});
