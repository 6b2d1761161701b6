import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectedResNetKeys, NAMED_RESNETS } from '../../convert/resnet-keys.ts';
import type { StateDict } from '../../convert/types.ts';
import { createRng } from '../../core/rng.ts';
import { initBackend } from '../backend.ts';
import { BN_EPS, foldConvBn, foldResNet, oihwToHwio } from './fold.ts';

/** Deterministic pseudo-random values (mulberry32) so the tests need no fixture files. */
function seeded(seed: number): () => number {
  return createRng(seed).nextFloat;
}

function randomArray(n: number, rand: () => number, lo = -1, hi = 1): Float32Array {
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rand());
}

function randomStateDict(keys: Map<string, number[]>, seed: number): StateDict {
  const rand = seeded(seed);
  const sd: StateDict = new Map();
  for (const [k, shape] of keys) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = k.endsWith('running_var') ? randomArray(n, rand, 0.5, 2) : randomArray(n, rand);
    sd.set(k, { shape, data, dtype: 'float32' });
  }
  return sd;
}

describe('oihwToHwio', () => {
  it('moves every value to its HWIO position', () => {
    // O=2, I=3, H=1, W=2: value = o*100 + i*10 + w
    const shape = [2, 3, 1, 2];
    const oihw = new Float32Array(12);
    for (let o = 0; o < 2; o++)
      for (let i = 0; i < 3; i++)
        for (let w = 0; w < 2; w++) oihw[(o * 3 + i) * 2 + w] = o * 100 + i * 10 + w;
    const { data, shape: out } = oihwToHwio(oihw, shape);
    expect(out).toEqual([1, 2, 3, 2]);
    // HWIO index ((h*W + w)*I + i)*O + o
    expect(Array.from(data)).toEqual([0, 100, 10, 110, 20, 120, 1, 101, 11, 111, 21, 121]);
  });
});

describe('foldConvBn', () => {
  it('applies W·γ/√(var+ε) and β − mean·γ/√(var+ε) per output channel', () => {
    const conv = { shape: [2, 1, 1, 1], data: new Float32Array([2, -3]), dtype: 'float32' as const };
    const bn = {
      gamma: new Float32Array([0.5, 2]),
      beta: new Float32Array([1, -1]),
      mean: new Float32Array([0.25, 4]),
      variance: new Float32Array([3, 0.04]),
    };
    const f = foldConvBn('x', conv, bn);
    const s0 = 0.5 / Math.sqrt(3 + BN_EPS);
    const s1 = 2 / Math.sqrt(Math.fround(0.04) + BN_EPS);
    expect(Array.from(f.kernel.data)).toEqual([Math.fround(2 * s0), Math.fround(-3 * s1)]);
    expect(Array.from(f.bias.data)).toEqual([Math.fround(1 - 0.25 * s0), Math.fround(-1 - 4 * s1)]);
    expect(f.kernel.name).toBe('x.kernel');
    expect(f.bias.shape).toEqual([2]);
  });

  describe('equals conv followed by eval-mode BatchNorm (tfjs cpu)', () => {
    beforeAll(async () => {
      await initBackend('cpu');
    });
    it('on a 3×3 conv with 5 inputs and 4 outputs', () => {
      const rand = seeded(7);
      const shape = [4, 5, 3, 3];
      const weight = { shape, data: randomArray(4 * 5 * 9, rand), dtype: 'float32' as const };
      const bn = {
        gamma: randomArray(4, rand, 0.5, 1.5),
        beta: randomArray(4, rand),
        mean: randomArray(4, rand),
        variance: randomArray(4, rand, 0.3, 2),
      };
      const x = tf.tensor4d(randomArray(2 * 9 * 9 * 5, rand), [2, 9, 9, 5]);
      const hwio = oihwToHwio(weight.data, shape);
      const filter = tf.tensor4d(hwio.data, hwio.shape as [number, number, number, number]);
      const reference = tf.batchNorm(
        tf.conv2d(x, filter, 1, 'valid'),
        bn.mean,
        bn.variance,
        bn.beta,
        bn.gamma,
        BN_EPS,
      );
      const f = foldConvBn('c', weight, bn);
      const folded = tf.add(
        tf.conv2d(x, tf.tensor4d(f.kernel.data, [3, 3, 5, 4]), 1, 'valid'),
        tf.tensor1d(f.bias.data),
      );
      const diff = tf.max(tf.abs(tf.sub(reference, folded))).dataSync()[0];
      expect(diff).toBeLessThan(1e-5);
    });
  });

  it('names the BatchNorm field whose length is wrong', () => {
    const conv = { shape: [2, 1, 1, 1], data: new Float32Array(2), dtype: 'float32' as const };
    const bn = {
      gamma: new Float32Array(2),
      beta: new Float32Array(3),
      mean: new Float32Array(2),
      variance: new Float32Array(2),
    };
    expect(() => foldConvBn('layer1.0.conv1', conv, bn)).toThrow(
      /layer1\.0\.conv1: BatchNorm beta has 3 values, expected 2/,
    );
  });
});

describe('foldResNet', () => {
  it('folds every conv of resnet18 (20 convs incl. 3 downsamples), kernels HWIO', () => {
    const config = NAMED_RESNETS.resnet18;
    const tensors = foldResNet(randomStateDict(expectedResNetKeys(config), 1), config);
    expect(tensors).toHaveLength(40);
    expect(tensors[0]).toMatchObject({ name: 'conv1.kernel', shape: [7, 7, 3, 64] });
    const names = tensors.map((t) => t.name);
    expect(names.filter((n) => n.includes('downsample'))).toEqual([
      'layer2.0.downsample.kernel',
      'layer2.0.downsample.bias',
      'layer3.0.downsample.kernel',
      'layer3.0.downsample.bias',
      'layer4.0.downsample.kernel',
      'layer4.0.downsample.bias',
    ]);
    expect(tensors.find((t) => t.name === 'layer4.1.conv2.kernel')?.shape).toEqual([3, 3, 512, 512]);
  });

  it('resnet50 keeps every parameter: 53 convs, 23,454,912 kernel values', () => {
    const config = NAMED_RESNETS.resnet50;
    const tensors = foldResNet(randomStateDict(expectedResNetKeys(config), 2), config);
    const kernels = tensors.filter((t) => t.name.endsWith('.kernel'));
    expect(kernels).toHaveLength(53);
    expect(kernels.reduce((n, t) => n + t.data.length, 0)).toBe(23_454_912);
    expect(tensors.find((t) => t.name === 'layer1.0.downsample.kernel')?.shape).toEqual([1, 1, 64, 256]);
  });

  it('says which key is missing', () => {
    const config = NAMED_RESNETS.resnet18;
    const sd = randomStateDict(expectedResNetKeys(config), 3);
    sd.delete('layer3.1.bn2.running_var');
    expect(() => foldResNet(sd, config)).toThrow(/state dict lacks 'layer3\.1\.bn2\.running_var'/);
  });
});
