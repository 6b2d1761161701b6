// Engine side of colour reliance: features of the same images in colour and in greyscale. Greyscale is PIL's
// 'L' conversion applied to the decoded image (before resize and crop), replicated to three channels, as
// if the file had been opened with Image.open(...).convert('L').convert('RGB').

import { toGreyscaleRgb } from '../../core/colour/targets.ts';
import { preprocess } from '../../core/pixels/preprocess.ts';
import type { ImageDecoder, ResizeRule, RgbImage } from '../../core/types.ts';
import type { Backbone } from '../types.ts';

/**
 * Wraps a decoder so every image comes out greyscale: pass it to extractFeatures (with its own cache
 * namespace, e.g. `${namespace}${GREY_NAMESPACE_SUFFIX}`) to get the greyscale test features.
 */
export function greyscaleDecoder(decode: ImageDecoder): ImageDecoder {
  return async (bytes, key) => toGreyscaleRgb(await decode(bytes, key));
}

/** Appended to a feature-cache namespace for greyscale features, so they never mix with colour ones. */
export const GREY_NAMESPACE_SUFFIX = '|greyscale-L';

export interface ColourGreyFeatures {
  colour: Float32Array;
  grey: Float32Array;
  n: number;
  d: number;
}

async function embedAll(
  backbone: Backbone,
  images: RgbImage[],
  rule: ResizeRule,
  batchSize: number,
): Promise<Float32Array> {
  const d = backbone.card.featureSize;
  const per = rule.crop * rule.crop * 3;
  const out = new Float32Array(images.length * d);
  for (let start = 0; start < images.length; start += batchSize) {
    const batch = images.slice(start, start + batchSize);
    const data = new Float32Array(batch.length * per);
    batch.forEach((img, i) => {
      data.set(preprocess(img, rule), i * per);
    });
    out.set(await backbone.embed({ data, n: batch.length, size: rule.crop }), start * d);
  }
  return out;
}

/** Features of in-memory images and of their greyscale versions, same row order (for small sets, demos). */
export async function embedColourAndGrey(
  backbone: Backbone,
  images: RgbImage[],
  rule: ResizeRule,
  batchSize = 16,
): Promise<ColourGreyFeatures> {
  const colour = await embedAll(backbone, images, rule, batchSize);
  const grey = await embedAll(backbone, images.map(toGreyscaleRgb), rule, batchSize);
  return { colour, grey, n: images.length, d: backbone.card.featureSize };
}
