// Builder behaviour that the PyTorch parity test does not reach: attention in query tiles, tensor hygiene,
// and refusals. Weights are seeded random lab tensors (no Python needed).

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type VitConfig, vitParamNames, vitTorchShape } from '../../convert/vit-keys.ts';
import { initBackend } from '../backend.ts';
import { maxAbsDiff } from '../resnet/test-fixtures.ts';
import { uploadVitWeights } from './backbone.ts';
import { TfVit } from './build.ts';
import { labTensor } from './convert.ts';

const CONFIG: VitConfig = {
  layout: 'timm',
  patchSize: 4,
  width: 16,
  depth: 2,
  heads: 2,
  mlpWidth: 32,
  registers: 2,
  posGrid: 3,
  posPrefix: 1,
  patchBias: true,
  preNorm: true,
  layerScale: true,
  layerNormEps: 1e-6,
  activation: 'gelu',
  projection: 8,
  posEmbedResample: 'timm',
};

function randomWeights(c: VitConfig) {
  let s = 7;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  const named = vitParamNames(c).map((name) => {
    const shape = vitTorchShape(name, c);
    const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, rand);
    return labTensor(name, shape, data);
  });
  return new Map(named.map((t) => [t.name, t]));
}

describe('TfVit', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('gives the same features with attention cut into query tiles of one token', () => {
    const weights = randomWeights(CONFIG);
    const pixels = tf.randomUniform([2, 20, 20, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const norm = { mean: null, std: null };
    const whole = new TfVit(CONFIG, uploadVitWeights(weights), 'proj');
    // 4 bytes × 2 images × 2 heads × 28 tokens: a budget of one row per tile.
    const tiled = new TfVit(CONFIG, uploadVitWeights(weights), 'proj', 4 * 2 * 2 * 28);
    const a = tf.tidy(() => whole.forward(pixels, norm)).dataSync();
    const b = tf.tidy(() => tiled.forward(pixels, norm)).dataSync();
    expect(a.length).toBe(2 * 8);
    const { diff, scale } = maxAbsDiff(b, a);
    expect(diff).toBeLessThanOrEqual(1e-6 * scale);
    whole.dispose();
    tiled.dispose();
    pixels.dispose();
  });

  it('leaves no tensor behind after forward + dispose, and keeps the resampled table across calls', () => {
    const before = tf.memory().numTensors;
    const net = new TfVit(CONFIG, uploadVitWeights(randomWeights(CONFIG)));
    const x = tf.zeros([1, 16, 16, 3]) as tf.Tensor4D;
    const run = () => {
      const out = tf.tidy(() => net.forward(x, { mean: null, std: null }));
      const data = out.dataSync().slice();
      out.dispose();
      return data;
    };
    const first = run();
    // The 4×4 grid's table was made inside the first tidy; the second call must still find it alive.
    expect(Array.from(run())).toEqual(Array.from(first));
    x.dispose();
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses missing weights, an input smaller than a patch, and a projection the model lacks', () => {
    const weights = randomWeights(CONFIG);
    weights.delete('blocks.1.fc2.kernel');
    expect(() => new TfVit(CONFIG, uploadVitWeights(weights))).toThrow(/lack 'blocks\.1\.fc2\.kernel'/);
    const net = new TfVit(CONFIG, uploadVitWeights(randomWeights(CONFIG)));
    const x = tf.zeros([1, 3, 3, 3]) as tf.Tensor4D;
    expect(() => tf.tidy(() => net.forward(x, { mean: null, std: null }))).toThrow(
      /smaller than one 4-pixel patch/,
    );
    x.dispose();
    net.dispose();
    const noProj = { ...CONFIG, projection: null };
    const w = randomWeights(noProj);
    expect(() => new TfVit(noProj, uploadVitWeights(w), 'proj')).toThrow(/needs a CLIP projection/);
  });
});
