// The three photo-trained CNNs of npm nsfwjs, as scripts/zoo/import-nsfwjs.ts ships them under models/<id>/:
// each card is what the picker and the pipeline need, each model loads through the generic tfjs import with
// its shards hashing to the card, and gives featureSize finite features that differ between images. For the
// two LayersModels the cut is checked against the full model: its own dense head on our features gives the
// full model's 5-class predictions.

import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { io, type LayersModel, loadLayersModel } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelCard, PixelBatch } from '../../core/types.ts';
import { initBackend } from '../backend.ts';
import type { ModelFileReader } from '../types.ts';
import { loadTfjsBackbone, readTfjsArtifacts } from './load-tfjs-model.ts';

const MODELS = resolve(import.meta.dirname, '../../../models');
const reader =
  (id: string): ModelFileReader =>
  async (rel) =>
    new Uint8Array(await readFile(join(MODELS, id, rel)));

/** A colour gradient and seeded noise (an LCG), at the model's input size. */
function pixels(size: number): PixelBatch {
  const plane = size * size * 3;
  const data = new Float32Array(2 * plane);
  let seed = 12345;
  for (let i = 0; i < plane; i++) {
    const [y, x, c] = [Math.floor(i / (size * 3)), Math.floor(i / 3) % size, i % 3];
    data[i] = c === 0 ? x / size : c === 1 ? y / size : 0.5;
    seed = (seed * 1103515245 + 12345) % 2147483648;
    data[plane + i] = seed / 2147483648;
  }
  return { data, n: 2, size };
}

const CASES = [
  { id: 'nsfwjs-mobilenetv2', format: 'tfjs-layers', size: 224, dim: 1280 },
  { id: 'nsfwjs-mobilenetv2-mid', format: 'tfjs-graph', size: 224, dim: 1792 },
  { id: 'nsfwjs-inceptionv3', format: 'tfjs-layers', size: 299, dim: 2048 },
] as const;

beforeAll(async () => {
  await initBackend('wasm');
});

describe('nsfwjs photo-trained CNNs in models/', () => {
  it('are listed under "imported" in the catalog, not selected by default', async () => {
    const catalog = JSON.parse(await readFile(join(MODELS, 'catalog.json'), 'utf8')) as {
      embedded: string[];
      imported: string[];
    };
    expect(catalog.imported).toEqual(CASES.map((c) => c.id));
    expect(catalog.embedded.some((id) => id.startsWith('nsfwjs'))).toBe(false);
  });

  it.each(CASES)('$id: card, hash-checked load, $dim-d features on $size px', async (c) => {
    const read = reader(c.id);
    const card = JSON.parse(new TextDecoder().decode(await read('card.json'))) as ModelCard;
    expect(card).toMatchObject({
      id: c.id,
      format: c.format,
      inputSize: c.size,
      featureSize: c.dim,
      licence: 'MIT',
      mean: null,
      std: null,
    });
    expect(card.description).toMatch(/^Trained on photos: nsfwjs/);
    const batch = pixels(c.size);
    const before = tf.memory().numTensors;
    const backbone = await loadTfjsBackbone(card, read);
    const features = await backbone.embed(batch);
    backbone.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(features.length).toBe(2 * c.dim);
    expect(features.every(Number.isFinite)).toBe(true);
    const [a, b] = [features.subarray(0, c.dim), features.subarray(c.dim)];
    expect(a.some((v, i) => Math.abs(v - b[i]) > 1e-3)).toBe(true);

    if (c.format !== 'tfjs-layers') return;
    const full: LayersModel = await loadLayersModel(io.fromMemory((await readTfjsArtifacts(read)).artifacts));
    const head = ['dense_1', 'dense_2', 'dense_3'].map((name) => full.getLayer(name));
    const [p, q] = tf.tidy(() => [
      head.reduce<tf.Tensor>((x, layer) => layer.apply(x) as tf.Tensor, tf.tensor2d(features, [2, c.dim])),
      full.predict(tf.tensor4d(batch.data, [2, c.size, c.size, 3])) as tf.Tensor,
    ]);
    const [fromFeatures, direct] = [await p.data(), await q.data()];
    tf.dispose([p, q]);
    full.dispose();
    expect(fromFeatures.length).toBe(10); // 5 classes × 2 images
    // Both paths run the same float32 kernels on the same backend; 1e-5 leaves room for fused vs. unfused ops.
    for (let i = 0; i < 10; i++) expect(Math.abs(fromFeatures[i] - direct[i])).toBeLessThan(1e-5);
  });
});
