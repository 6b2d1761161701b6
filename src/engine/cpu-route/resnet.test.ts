// GemmResNet (the CPU route) against the tfjs graph of the same folded weights, for a basic-block and a
// bottleneck network, and the same bits on 1 thread with 4-row tiles as on 3 threads with 6-row tiles (what
// makes browser and CLI records agree whatever their core counts). PyTorch parity of the route is in
// src/engine/resnet/parity.test.ts; this file needs no Python.

import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResNetConfig } from '../../convert/resnet-keys.ts';
import { createRng } from '../../core/rng.ts';
import { initBackend } from '../backend.ts';
import type { GemmEngine } from '../gemm/gemm.ts';
import { TfResNet } from '../resnet/build.ts';
import { foldResNet, type NamedTensor } from '../resnet/fold.ts';
import { randomStateDict } from '../test-tiny-model.ts';
import { GemmResNet, setScalarMaxPool } from './resnet.ts';
import { twoTestEngines } from './test-engines.ts';

const BASIC: ResNetConfig = {
  block: 'basic',
  layers: [1, 2, 1, 1],
  stemWidth: 8,
  widths: [8, 16, 16, 24],
  expansion: 1,
};
const BOTTLENECK: ResNetConfig = {
  block: 'bottleneck',
  layers: [1, 1, 2, 1],
  stemWidth: 16,
  widths: [8, 8, 16, 16],
  expansion: 4,
};

function randomWeights(config: ResNetConfig, seed: number): Map<string, NamedTensor> {
  return new Map(foldResNet(randomStateDict(seed, config), config).map((t) => [t.name, t]));
}

function pixels(n: number, size: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n * size * size * 3 }, () => rng.nextFloat());
}

const NORM = {
  mean: [0.485, 0.456, 0.406] as [number, number, number],
  std: [0.229, 0.224, 0.225] as [number, number, number],
};

describe('CPU-route ResNet', () => {
  let engines: GemmEngine[] = [];

  beforeAll(async () => {
    await initBackend('cpu');
    engines = await twoTestEngines();
  });
  afterAll(() => {
    for (const e of engines) e.dispose();
  });

  for (const [label, config] of [
    ['basic blocks', BASIC],
    ['bottlenecks', BOTTLENECK],
  ] as const) {
    it(`${label}: tfjs graph's features and map; same bits on any thread count and tile`, async () => {
      const weights = randomWeights(config, 7);
      const batch = { data: pixels(3, 45, 3), n: 3, size: 45 }; // odd size: every padding case
      const nets = await Promise.all(engines.map((e) => GemmResNet.create(e, config, weights)));
      const tfNet = new TfResNet(config, weights);
      try {
        const [one, three] = await Promise.all(nets.map((net) => net.embed(batch, NORM)));
        const [mapOne, mapThree] = await Promise.all(nets.map((net) => net.embedMap(batch, NORM)));
        expect(Buffer.from(three.buffer).equals(Buffer.from(one.buffer))).toBe(true);
        expect(Buffer.from(mapThree.data.buffer).equals(Buffer.from(mapOne.data.buffer))).toBe(true);

        const out = tf.tidy(() => {
          const r = tfNet.forward(tf.tensor4d(batch.data, [3, 45, 45, 3]), NORM, true);
          return [r.pooled, r.map as tf.Tensor4D] as const;
        });
        const ref = out[0].dataSync();
        const refMap = out[1].dataSync();
        expect(mapOne.shape).toEqual(out[1].shape);
        tf.dispose([...out]);
        // Two float32 orders of the same sums: 1e-4 of the feature scale, the bar PyTorch parity uses.
        const scale = Math.max(...ref.map(Math.abs));
        expect(scale).toBeGreaterThan(0);
        for (let i = 0; i < ref.length; i++)
          expect(Math.abs(one[i] - ref[i])).toBeLessThanOrEqual(1e-4 * scale);
        const mapScale = Math.max(...refMap.map(Math.abs));
        for (let i = 0; i < refMap.length; i++)
          expect(Math.abs(mapOne.data[i] - refMap[i])).toBeLessThanOrEqual(1e-4 * mapScale);
      } finally {
        for (const net of nets) net.dispose();
        tfNet.dispose();
      }
    });
  }

  it('a second batch of another size reuses the released activations and gives the same features', async () => {
    const weights = randomWeights(BASIC, 9);
    const net = await GemmResNet.create(engines[1], BASIC, weights);
    try {
      const small = { data: pixels(1, 32, 5), n: 1, size: 32 };
      const first = await net.embed(small, NORM);
      await net.embed({ data: pixels(4, 64, 6), n: 4, size: 64 }, NORM);
      const again = await net.embed(small, NORM);
      expect(Buffer.from(again.buffer).equals(Buffer.from(first.buffer))).toBe(true);
    } finally {
      net.dispose();
    }
  });

  it("the stem's max pool on the kernel's threads (SIMD) gives the scalar loop's bits, at every border", async () => {
    const net = await GemmResNet.create(engines[1], BASIC, randomWeights(BASIC, 13));
    try {
      for (const size of [45, 46, 33]) {
        const batch = { data: pixels(2, size, size), n: 2, size };
        const simd = await net.embedMap(batch, NORM);
        setScalarMaxPool(true);
        const scalar = await net.embedMap(batch, NORM).finally(() => setScalarMaxPool(false));
        expect(simd.shape).toEqual(scalar.shape);
        expect(Buffer.from(simd.data.buffer).equals(Buffer.from(scalar.data.buffer))).toBe(true);
      }
    } finally {
      net.dispose();
    }
  });

  it('a batch too big for the memory limit runs in halves and gives the same bits', async () => {
    const weights = randomWeights(BASIC, 11);
    const batch = { data: pixels(8, 64, 12), n: 8, size: 64 };
    const roomy = await GemmResNet.create(engines[0], BASIC, weights);
    // Weights (~0.2 MB) fit; one image's activations at 64 px (~0.3 MB) fit; eight do not.
    const tight = await GemmResNet.create(engines[0], BASIC, weights, { maxBytes: 2 * 2 ** 20 });
    try {
      const expected = await roomy.embed(batch, NORM);
      // The whole batch at once does not fit (embedMap does not split)...
      await expect(tight.embedMap(batch, NORM)).rejects.toThrow(RangeError);
      // ...so embed runs it in halves.
      const got = await tight.embed(batch, NORM);
      expect(Buffer.from(got.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
    } finally {
      roomy.dispose();
      tight.dispose();
    }
  });
});
