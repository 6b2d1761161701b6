import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../backend.ts';
import { ensureGradients } from './gradients.ts';

type Pad = 'valid' | 'same' | [[number, number], [number, number], [number, number], [number, number]];

/** d/dW of Σ conv2d(x, W) ⊙ g, on the active backend, as plain numbers. */
type Shape4 = [number, number, number, number];

async function filterGradient(
  stride: number,
  pad: Pad,
  xShape: Shape4,
  wShape: Shape4,
): Promise<Float32Array> {
  const x = tf.randomNormal(xShape, 0, 1, 'float32', 1) as tf.Tensor4D;
  const w = tf.randomNormal(wShape, 0, 1, 'float32', 2) as tf.Tensor4D;
  const g = tf.grad((filter: tf.Tensor) => {
    const y = tf.conv2d(x, filter as tf.Tensor4D, stride, pad);
    return tf.sum(tf.mul(y, tf.randomNormal(y.shape, 0, 1, 'float32', 3)));
  });
  const dW = g(w);
  const out = (await dW.data()) as Float32Array;
  tf.dispose([x, w, dW]);
  return out;
}

describe.sequential('Conv2DBackpropFilter registered on wasm', () => {
  const cases: [string, number, Pad, Shape4, Shape4][] = [
    ['3×3, stride 1, same', 1, 'same', [2, 9, 9, 3], [3, 3, 3, 5]],
    [
      '7×7, stride 2, explicit symmetric padding (the ResNet stem)',
      2,
      [
        [0, 0],
        [3, 3],
        [3, 3],
        [0, 0],
      ],
      [1, 16, 15, 3],
      [7, 7, 3, 4],
    ],
    ['1×1, stride 2, valid (a downsample)', 2, 'valid', [2, 8, 8, 6], [1, 1, 6, 7]],
  ];
  for (const [name, stride, pad, xs, ws] of cases) {
    it(`equals the cpu backend's gradient: ${name}`, async () => {
      await ensureGradients();
      await initBackend('cpu');
      const expected = await filterGradient(stride, pad, xs, ws);
      await initBackend('wasm');
      const before = tf.memory().numTensors;
      const ours = await filterGradient(stride, pad, xs, ws);
      expect(tf.memory().numTensors).toBe(before);
      let maxDiff = 0;
      let scale = 0;
      ours.forEach((v, i) => {
        maxDiff = Math.max(maxDiff, Math.abs(v - expected[i]));
        scale = Math.max(scale, Math.abs(expected[i]));
      });
      expect(ours.length).toBe(expected.length);
      expect(scale).toBeGreaterThan(0);
      expect(maxDiff).toBeLessThan(1e-4 * scale);
    });
  }
});
