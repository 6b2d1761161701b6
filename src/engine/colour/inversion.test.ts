// Deep Image Prior inversion on a tiny random ResNet (32×32 input, narrow widths) so it runs in seconds on
// the CPU: the feature loss must fall, the reconstruction must be a real image, nothing may leak.

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, type Progress, type RgbImage } from '../../core/types.ts';
import { initBackend } from '../backend.ts';
import { channelMse, invertImage } from './inversion.ts';
import { TINY_SIZE, testImage, tinyModel } from './test-fixtures.ts';

const SIZE = TINY_SIZE;
const TINY_GENERATOR = { channels: 16, depth: 3, noiseChannels: 8 };

function spread(img: RgbImage): number {
  let min = 255;
  let max = 0;
  for (const v of img.data) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return max - min;
}

describe.sequential('Deep Image Prior feature inversion (tiny random ResNet, 32×32)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('lowers the layer4 feature loss, returns a non-blank image and per-channel MSE, frees every tensor', async () => {
    const { card, model } = await tinyModel();
    const progress: Progress[] = [];
    const before = tf.memory().numTensors;
    const steps = 40;
    const result = await invertImage(
      card,
      model,
      testImage(),
      { steps, reportEvery: 10, generator: TINY_GENERATOR },
      { onProgress: (p) => progress.push(p) },
    );
    expect(tf.memory().numTensors).toBe(before);
    const first = result.losses[0].loss;
    const last = result.losses[result.losses.length - 1].loss;
    console.log(
      `inversion: loss ${first.toFixed(4)} → ${last.toFixed(4)} in ${steps} steps; MSE`,
      result.mse,
    );
    expect(result.losses.map((l) => l.step)).toEqual([0, 10, 20, 30, 40]);
    expect(last).toBeLessThan(0.8 * first);
    expect(result.image.width).toBe(SIZE);
    expect(spread(result.image)).toBeGreaterThan(20);
    for (const c of ['r', 'g', 'b'] as const) {
      expect(result.mse[c]).toBeGreaterThan(0);
      expect(result.mse[c]).toBeLessThan(255 * 255);
    }
    expect(result.mse).toEqual(channelMse(result.image, result.target));
    expect(progress.at(-1)).toMatchObject({ stage: 'feature inversion', done: steps, total: steps });
  });

  it('stops with CancelledError when cancelled, and still frees its tensors', async () => {
    const { card, model } = await tinyModel();
    const before = tf.memory().numTensors;
    const cancel = { cancelled: false };
    const run = invertImage(
      card,
      model,
      testImage(),
      { steps: 1000, reportEvery: 2, generator: TINY_GENERATOR },
      {
        cancel,
        onProgress: (p) => {
          if (p.done >= 4) cancel.cancelled = true;
        },
      },
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('channelMse is the per-channel mean of squared 0–255 differences', () => {
    const a: RgbImage = { data: Uint8Array.from([0, 0, 0, 10, 20, 30]), width: 2, height: 1 };
    const b: RgbImage = { data: Uint8Array.from([2, 0, 4, 10, 26, 30]), width: 2, height: 1 };
    expect(channelMse(a, b)).toEqual({ r: 2, g: 18, b: 8 });
  });
});
