// runDiffusion's contract besides parity: the batch size changes nothing, progress counts every forward
// pass with an ETA, cancel stops between batches, tensors are freed, the settings are stated.

import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DIFFUSION_SETTINGS } from '../../core/diffusion/settings.ts';
import { createRng } from '../../core/rng.ts';
import { CancelledError, type Progress } from '../../core/types.ts';
import { initBackend } from '../backend.ts';
import { tinyModel } from '../colour/test-fixtures.ts';
import { backboneFromLabModel, type ResNetBackbone } from '../load-backbone.ts';
import { fillColour, runDiffusion } from './run.ts';

const SIDE = 32 + 2 * 9;

function seededImage(seed: number) {
  const rng = createRng(seed);
  return { key: `img${seed}`, pixels: Float32Array.from({ length: SIDE * SIDE * 3 }, () => rng.nextFloat()) };
}

describe('runDiffusion', () => {
  let backbone: ResNetBackbone;
  let tensorsAtStart = 0;
  beforeAll(async () => {
    await initBackend('cpu');
    tensorsAtStart = tf.memory().numTensors;
    const { card, model } = await tinyModel();
    backbone = backboneFromLabModel(card, model);
  });
  afterAll(() => {
    backbone.dispose();
    expect(tf.memory().numTensors).toBe(tensorsAtStart);
  });

  it('same maps for any batch size; progress reaches every pass; no tensor left behind', async () => {
    const images = [seededImage(1), seededImage(2)];
    const settings = { ...DEFAULT_DIFFUSION_SETTINGS, stride: 8 };
    const before = tf.memory().numTensors;
    const seen: Progress[] = [];
    let clock = 0;
    const a = await runDiffusion(
      backbone,
      images,
      { ...settings, batchSize: 7 },
      {
        onProgress: (p) => seen.push(p),
        now: () => (clock += 100),
      },
    );
    const b = await runDiffusion(backbone, images, { ...settings, batchSize: 64 });
    expect(tf.memory().numTensors).toBe(before);
    // Origins 0, 8, 16, 24, 32, 40 per axis: 36 positions + 1 unoccluded pass per image.
    expect(a.settings.positionsPerImage).toBe(36);
    expect(a.settings.forwardPasses).toBe(74);
    expect(seen.at(-1)?.done).toBe(74);
    expect(seen.at(-1)?.total).toBe(74);
    expect(seen.some((p) => p.etaSeconds !== null && p.etaSeconds > 0)).toBe(true);
    for (let i = 0; i < 2; i++) {
      // Batch composition may change the backend's summation order: compare to float32 resolution of the map.
      const scale = Math.max(...b.perImage[i].map);
      for (let p = 0; p < 32 * 32; p++)
        expect(Math.abs(a.perImage[i].map[p] - b.perImage[i].map[p])).toBeLessThanOrEqual(1e-5 * scale);
      expect(a.perImage[i].diffusion).toBeGreaterThan(0);
      expect(a.perImage[i].diffusion).toBeLessThan(100);
    }
    expect(a.mean).toBeCloseTo((a.perImage[0].diffusion + a.perImage[1].diffusion) / 2, 12);
    expect(a.ci95).not.toBeNull();
    expect(a.settings).toMatchObject({ stride: 8, crop: 32, side: 50, isPaperSetting: false });
    expect(a.settings.paper).toEqual({ occluder: 10, stride: 1, fill: 'normalised-zero' });
  });

  it('cancel stops between batches with CancelledError and frees every tensor', async () => {
    const before = tf.memory().numTensors;
    const token = { cancelled: false };
    let passes = 0;
    const run = runDiffusion(
      backbone,
      [seededImage(3)],
      { ...DEFAULT_DIFFUSION_SETTINGS, stride: 2, batchSize: 4 },
      {
        cancel: token,
        onProgress: (p) => {
          passes = p.done;
          if (p.done >= 9) token.cancelled = true;
        },
      },
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(passes).toBe(9);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a cancel that arrives as a separate task (a worker message) is seen: the run yields between batches', async () => {
    const token = { cancelled: false };
    let passes = 0;
    const run = runDiffusion(
      backbone,
      [seededImage(4), seededImage(5)],
      { ...DEFAULT_DIFFUSION_SETTINGS, stride: 1, batchSize: 8 },
      {
        cancel: token,
        onProgress: (p) => {
          passes = p.done;
        },
      },
    );
    setTimeout(() => {
      token.cancelled = true;
    }, 0);
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(passes).toBeLessThan(2 * 1682);
  });

  it("the occluder colour: the model's mean for 0 after normalisation, black before; black without a mean", () => {
    const s = DEFAULT_DIFFUSION_SETTINGS;
    expect(fillColour(s, [0.485, 0.456, 0.406])).toEqual([0.485, 0.456, 0.406]);
    expect(fillColour({ ...s, fill: 'black' }, [0.485, 0.456, 0.406])).toEqual([0, 0, 0]);
    expect(fillColour(s, null)).toEqual([0, 0, 0]);
  });

  it('refuses no images and unrunnable settings before any forward pass', async () => {
    await expect(runDiffusion(backbone, [], DEFAULT_DIFFUSION_SETTINGS)).rejects.toThrow(
      /at least one image/,
    );
    await expect(
      runDiffusion(backbone, [seededImage(1)], { ...DEFAULT_DIFFUSION_SETTINGS, stride: 20 }),
    ).rejects.toThrow(/stride/);
    await expect(
      runDiffusion(backbone, [{ key: 'x', pixels: new Float32Array(5) }], DEFAULT_DIFFUSION_SETTINGS),
    ).rejects.toThrow(/expected 50×50×3/);
  });
});
