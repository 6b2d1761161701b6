// The generic tfjs import on a real pretrained model: nsfwjs's MobileNetV2 (models/nsfwjs-mobilenetv2/, made by
// scripts/zoo/import-nsfwjs.ts). The cut at `flatten_1` must be exactly the full model's pooled feature: the
// model's own dense head applied to our features gives the full model's predictions.

import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import { io, type LayersModel, loadLayersModel } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelCard, PixelBatch } from '../../core/types.ts';
import type { ModelFileReader } from '../types.ts';
import { loadTfjsBackbone, readTfjsArtifacts } from './load-tfjs-model.ts';

const DIR = resolve(import.meta.dirname, '../../../models/nsfwjs-mobilenetv2');
const read: ModelFileReader = async (rel) => new Uint8Array(await readFile(join(DIR, rel)));

/** Two 224×224 images: a smooth colour gradient and seeded noise (an LCG, so the test is reproducible). */
function pixels(): PixelBatch {
  const size = 224;
  const data = new Float32Array(2 * size * size * 3);
  let seed = 12345;
  for (let i = 0; i < size * size * 3; i++) {
    const [y, x, c] = [Math.floor(i / (size * 3)), Math.floor(i / 3) % size, i % 3];
    data[i] = c === 0 ? x / size : c === 1 ? y / size : 0.5;
    seed = (seed * 1103515245 + 12345) % 2147483648;
    data[size * size * 3 + i] = seed / 2147483648;
  }
  return { data, n: 2, size };
}

let card: ModelCard;
let full: LayersModel;

beforeAll(async () => {
  await tf.setBackend('cpu');
  card = JSON.parse(new TextDecoder().decode(await read('card.json'))) as ModelCard;
  full = await loadLayersModel(io.fromMemory((await readTfjsArtifacts(read)).artifacts));
});

afterAll(() => full?.dispose());

describe('loadTfjsBackbone on nsfwjs MobileNetV2 (LayersModel)', () => {
  it('gives 1,280-d pooled features that the model’s own head turns into its predictions', async () => {
    const backbone = await loadTfjsBackbone(card, read);
    const batch = pixels();
    const before = tf.memory().numTensors;
    const features = await backbone.embed(batch);
    expect(tf.memory().numTensors).toBe(before);
    backbone.dispose();

    expect(features.length).toBe(2 * 1280);
    expect(features.every((v) => Number.isFinite(v) && v >= 0)).toBe(true); // ReLU6 then average pooling
    const [a, b] = [features.subarray(0, 1280), features.subarray(1280)];
    expect(a.some((v, i) => Math.abs(v - b[i]) > 1e-3)).toBe(true); // different images, different features

    const head = ['dense_1', 'dense_2', 'dense_3'].map((name) => full.getLayer(name));
    const fromFeatures = tf.tidy(() =>
      head.reduce<tf.Tensor>((x, layer) => layer.apply(x) as tf.Tensor, tf.tensor2d(features, [2, 1280])),
    );
    const direct = full.predict(tf.tensor4d(batch.data, [2, 224, 224, 3])) as tf.Tensor;
    const [p, q] = [await fromFeatures.data(), await direct.data()];
    tf.dispose([fromFeatures, direct]);
    expect(p.length).toBe(10); // 5 classes × 2 images
    for (let i = 0; i < p.length; i++) expect(p[i]).toBeCloseTo(q[i], 5);
    expect(Math.abs(Array.from(p.slice(0, 5)).reduce((s, v) => s + Number(v), 0) - 1)).toBeLessThan(1e-5); // softmax
  });

  it('refuses shards that do not hash to the card', async () => {
    const wrong = { ...card, weightsHash: '0'.repeat(64) };
    await expect(loadTfjsBackbone(wrong, read)).rejects.toThrow(/weights hash mismatch/);
  });

  it('names a missing embedding layer, and checks format, input size and feature size', async () => {
    await expect(loadTfjsBackbone({ ...card, embeddingNode: 'no_such_layer' }, read)).rejects.toThrow(
      /embedding layer 'no_such_layer' is not in the model/,
    );
    await expect(loadTfjsBackbone({ ...card, format: 'lab-resnet' }, read)).rejects.toThrow(
      /reads 'tfjs-layers'/,
    );
    const small = await loadTfjsBackbone(card, read);
    await expect(small.embed({ data: new Float32Array(32 * 32 * 3), n: 1, size: 32 })).rejects.toThrow(
      /expects 224×224 inputs/,
    );
    small.dispose();
    const lying = await loadTfjsBackbone({ ...card, featureSize: 512 }, read);
    const one = { data: pixels().data.subarray(0, 224 * 224 * 3), n: 1, size: 224 };
    await expect(lying.embed(one)).rejects.toThrow(/card says featureSize 512, the model gives 1280/);
    lying.dispose();
  });
});

// A GraphModel written by hand (what tensorflowjs_converter emits, reduced to four ops): x → Relu → "act";
// Mean over h,w → "pool"; MatMul with a constant → "logits". Consts are read from the weight shard by name.
function tinyGraphFiles(): { files: Map<string, Uint8Array>; w: Float32Array } {
  const dims = (...sizes: number[]) => ({ dim: sizes.map((s) => ({ size: String(s) })) });
  const float = { type: 'DT_FLOAT' };
  const modelTopology = {
    node: [
      { name: 'x', op: 'Placeholder', attr: { dtype: float, shape: { shape: dims(-1, 4, 4, 3) } } },
      { name: 'act', op: 'Relu', input: ['x'], attr: { T: float } },
      {
        name: 'axes',
        op: 'Const',
        attr: { value: { tensor: { dtype: 'DT_INT32', tensorShape: dims(2) } }, dtype: { type: 'DT_INT32' } },
      },
      { name: 'pool', op: 'Mean', input: ['act', 'axes'], attr: { keep_dims: { b: false }, T: float } },
      {
        name: 'w',
        op: 'Const',
        attr: { value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(3, 2) } }, dtype: float },
      },
      {
        name: 'logits',
        op: 'MatMul',
        input: ['pool', 'w'],
        attr: { transpose_a: { b: false }, transpose_b: { b: false }, T: float },
      },
    ],
    library: {},
    versions: { producer: 1 },
  };
  const w = new Float32Array([1, -1, 2, 0.5, -3, 0.25]);
  const axes = new Int32Array([1, 2]);
  const shard = new Uint8Array(axes.byteLength + w.byteLength);
  shard.set(new Uint8Array(axes.buffer), 0);
  shard.set(new Uint8Array(w.buffer), axes.byteLength);
  const weights = [
    { name: 'axes', shape: [2], dtype: 'int32' },
    { name: 'w', shape: [3, 2], dtype: 'float32' },
  ];
  const json = { format: 'graph-model', modelTopology, weightsManifest: [{ paths: ['w.bin'], weights }] };
  const files = new Map([
    ['model.json', new TextEncoder().encode(JSON.stringify(json))],
    ['w.bin', shard],
  ]);
  return { files, w };
}

describe('loadTfjsBackbone on a GraphModel', () => {
  const { files, w } = tinyGraphFiles();
  const readMem: ModelFileReader = async (rel) => {
    const bytes = files.get(rel);
    if (!bytes) throw new Error(`no ${rel}`);
    return bytes;
  };
  // Two 4×4 images with values in [-1, 1): the Relu matters.
  const data = Float32Array.from({ length: 2 * 4 * 4 * 3 }, (_, i) => ((i * 37) % 64) / 32 - 1);
  const pooled = [0, 1].flatMap((n) =>
    [0, 1, 2].map((c) => {
      let sum = 0;
      for (let p = 0; p < 16; p++) sum += Math.max(0, data[n * 48 + p * 3 + c]);
      return sum / 16;
    }),
  );

  async function graphCard(node: string, featureSize: number): Promise<ModelCard> {
    const { weightsHash } = await readTfjsArtifacts(readMem);
    return {
      ...card,
      id: 'tiny-graph',
      format: 'tfjs-graph',
      inputSize: 4,
      featureSize,
      embeddingNode: node,
      weightsHash,
    };
  }

  it('reads a middle node, a spatial node (average-pooled) and the output node', async () => {
    for (const [node, size] of [
      ['pool', 3],
      ['act', 3],
      ['logits', 2],
    ] as const) {
      const backbone = await loadTfjsBackbone(await graphCard(node, size), readMem);
      const features = await backbone.embed({ data, n: 2, size: 4 });
      backbone.dispose();
      const expected =
        node === 'logits'
          ? [0, 1].flatMap((n) =>
              [0, 1].map((j) => [0, 1, 2].reduce((s, c) => s + pooled[n * 3 + c] * w[c * 2 + j], 0)),
            )
          : pooled;
      expect(features.length).toBe(expected.length);
      for (let i = 0; i < features.length; i++) expect(features[i]).toBeCloseTo(expected[i], 5);
    }
  });
});
