// Attentive diffusion equals an independent PyTorch implementation (scripts/fixtures/diffusion_reference.py):
// the same random narrow ResNet, the same seeded image, occluder and stride. Maps within 1e-4 of the map's
// scale; the diffusion value (a count of pixels above the mean) identical.

import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_DIFFUSION_SETTINGS,
  type DiffusionSettings,
  paperDiffusion,
} from '../../core/diffusion/settings.ts';
import { initBackend } from '../backend.ts';
import { loadBackboneFromFiles } from '../load-backbone.ts';
import { maxAbsDiff } from '../resnet/test-fixtures.ts';
import { runDiffusion } from './run.ts';
import { type ReferenceCase, referenceModel, torchDiffusion, torchMissingReason } from './test-fixtures.ts';

const skipReason = torchMissingReason();
if (skipReason) console.warn(`\n!!! attentive diffusion parity ${skipReason}\n`);

const CROP = 32;

/** Reference pixels within `tol` of the reference map's mean. */
function pixelsNearMean(map: Float32Array, tol: number): number {
  let mean = 0;
  for (const v of map) mean += v;
  mean /= map.length;
  return map.filter((v) => Math.abs(v - mean) <= tol).length;
}

async function compare(c: ReferenceCase, settings: DiffusionSettings) {
  const ref = torchDiffusion(c);
  const { card, files } = await referenceModel(c.crop);
  const backbone = await loadBackboneFromFiles(card, files);
  try {
    const before = tf.memory().numTensors;
    const result = await runDiffusion(backbone, [{ key: 'seeded', pixels: ref.pixels }], settings);
    expect(tf.memory().numTensors).toBe(before);
    const ours = result.perImage[0];
    const { diff, scale } = maxAbsDiff(ours.map, ref.map);
    console.log(
      `diffusion parity ${c.crop + 2 * (c.occluder - 1)}→${c.crop} px, stride ${c.stride} ${c.fill}: max|Δmap| ${diff.toExponential(2)} of max ${scale.toFixed(4)}; ` +
        `diffusion ${ours.diffusion.toFixed(4)} vs ${ref.diffusion.toFixed(4)} (reference's nearest pixel ${ref.meanMargin.toExponential(2)} from its mean)`,
    );
    expect(ours.map.length).toBe(c.crop * c.crop);
    expect(scale).toBeGreaterThan(0);
    expect(diff).toBeLessThanOrEqual(1e-4 * scale);
    return { ours, ref, result };
  } finally {
    backbone.dispose();
  }
}

describe.skipIf(skipReason !== null).sequential('attentive diffusion matches PyTorch', () => {
  let tensorsAtStart = 0;
  beforeAll(async () => {
    await initBackend('wasm');
    tensorsAtStart = tf.memory().numTensors;
  });
  afterAll(() => expect(tf.memory().numTensors).toBe(tensorsAtStart));

  it('maps at stride 3, occluder 10, 0 after normalisation (the default fill)', async () => {
    const c: ReferenceCase = { crop: CROP, occluder: 10, stride: 3, fill: 'normalised-zero', pixelSeed: 0 };
    const settings = { ...DEFAULT_DIFFUSION_SETTINGS, stride: 3, batchSize: 37 };
    const { ours, ref } = await compare(c, settings);
    expect(ours.diffusion).toBe(ref.diffusion);
  });

  it('maps at stride 4, occluder 6, black occluder (0 before normalisation)', async () => {
    const c: ReferenceCase = { crop: CROP, occluder: 6, stride: 4, fill: 'black', pixelSeed: 1 };
    await compare(c, { ...DEFAULT_DIFFUSION_SETTINGS, occluder: 6, stride: 4, fill: 'black' });
  });

  it("the paper's geometry at full size: 242 → 224, 10×10 occluder, stride 10 (577 occlusions)", async () => {
    const c: ReferenceCase = { crop: 224, occluder: 10, stride: 10, fill: 'normalised-zero', pixelSeed: 3 };
    const { ours, ref, result } = await compare(c, { ...DEFAULT_DIFFUSION_SETTINGS, stride: 10 });
    expect(result.settings).toMatchObject({ side: 242, crop: 224, positionsPerImage: 24 * 24 });
    // Pixels within the map tolerance of the mean may fall either side: the values may differ by those only.
    const undecided = pixelsNearMean(ref.map, 1e-4 * Math.max(...ref.map));
    expect(Math.abs(ours.diffusion - ref.diffusion)).toBeLessThanOrEqual((100 * undecided) / ref.map.length);
  });

  it("the paper's setting (stride 1, 10×10, value 0) gives the reference's diffusion on one image", async () => {
    const c: ReferenceCase = { crop: CROP, occluder: 10, stride: 1, fill: 'normalised-zero', pixelSeed: 2 };
    const { ours, ref, result } = await compare(c, paperDiffusion());
    expect(result.settings.isPaperSetting).toBe(true);
    expect(result.settings.positionsPerImage).toBe(41 * 41);
    // The count above the mean is exact unless a pixel sits within the map tolerance of the mean.
    expect(ref.meanMargin).toBeGreaterThan(1e-4 * Math.max(...ref.map));
    expect(ours.diffusion).toBe(ref.diffusion);
  });
});
