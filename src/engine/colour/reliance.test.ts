import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { colourReliance } from '../../core/colour/reliance.ts';
import { meanCosine } from '../../core/colour/similarity.ts';
import { toGreyscaleRgb } from '../../core/colour/targets.ts';
import type { RgbImage } from '../../core/types.ts';
import { initBackend } from '../backend.ts';
import { loadBackboneFromFiles } from '../load-backbone.ts';
import { embedColourAndGrey, greyscaleDecoder } from './reliance.ts';
import { TINY_SIZE, testImage, tinyModel } from './test-fixtures.ts';

/** The test picture with its channels rotated k times: same layout, different colours. */
function rotated(img: RgbImage, k: number): RgbImage {
  const data = new Uint8Array(img.data.length);
  for (let p = 0; p < data.length; p += 3)
    for (let c = 0; c < 3; c++) data[p + c] = img.data[p + ((c + k) % 3)];
  return { ...img, data };
}

describe.sequential('colour vs greyscale features of a real (tiny, random) backbone', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('embeds colour and greyscale versions in the same row order; grey images are their own greyscale', async () => {
    const { card, files } = await tinyModel();
    const backbone = await loadBackboneFromFiles(card, files);
    try {
      const before = tf.memory().numTensors;
      const colourful = [0, 1, 2].map((k) => rotated(testImage(), k));
      const rule = card.preprocessing.linear;
      const a = await embedColourAndGrey(backbone, colourful, rule, 2);
      expect(a.n).toBe(3);
      expect(a.colour.length).toBe(3 * card.featureSize);
      const cosColour = meanCosine(a.colour, a.grey, a.n, a.d);
      console.log(`tiny random ResNet: mean cosine colour vs greyscale ${cosColour.toFixed(4)}`);
      expect(cosColour).toBeLessThan(0.9999);
      // Already-grey images: colour and greyscale inputs are identical, so are their features.
      const greys = colourful.map(toGreyscaleRgb);
      const b = await embedColourAndGrey(backbone, greys, rule);
      expect(meanCosine(b.colour, b.grey, b.n, b.d)).toBeCloseTo(1, 6);
      expect(b.grey).toEqual(b.colour);
      // A probe reading the colour features scores 100% on colour; the greyscale features of the three
      // channel rotations are identical (same luma up to rounding), so at most one can stay right.
      const k = 3;
      const d = a.d;
      const weights = new Float64Array((d + 1) * k);
      for (let c = 0; c < k; c++) {
        const row = a.colour.subarray(c * d, (c + 1) * d);
        for (let j = 0; j < d; j++) weights[j * k + c] = row[j];
        let norm = 0;
        for (let j = 0; j < d; j++) norm += row[j] * row[j];
        weights[d * k + c] = -norm / 2; // nearest-centroid as a linear classifier
      }
      const r = colourReliance({ weights, classes: k }, { ...a, labels: [0, 1, 2] });
      expect(r.accuracyColour).toBe(1);
      expect(r.accuracyGrey).toBeLessThan(1);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      backbone.dispose();
    }
  });

  it('greyscaleDecoder wraps any decoder', async () => {
    const decode = greyscaleDecoder(async () => testImage());
    const img = await decode(new Uint8Array(0), 'x.png');
    expect(img.width).toBe(TINY_SIZE);
    expect(img).toEqual(toGreyscaleRgb(testImage()));
  });
});
