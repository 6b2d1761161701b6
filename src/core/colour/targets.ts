// Colour statistics of an image (what a colour readout tries to recover from features), and the
// greyscale version of an image that colour-reliance probes compare against. Pure: no tfjs, no DOM.

import { resizeAndCrop } from '../pixels/preprocess.ts';
import type { ResizeRule, RgbImage } from '../types.ts';

/** Bins per channel of the joint colour histogram: 4 × 4 × 4 = 64 cells. */
export const HIST_BINS_PER_CHANNEL = 4;
export const HIST_SIZE = HIST_BINS_PER_CHANNEL ** 3;

export interface ColourTargets {
  /** Mean R, G, B on the 0–255 scale (the paper's per-channel errors use that scale). */
  meanRgb: [number, number, number];
  /** Joint RGB histogram, fractions of the image's pixels (sums to 1); cell = r·16 + g·4 + b. */
  hist: Float32Array;
}

function assertImage(img: RgbImage): number {
  const pixels = img.width * img.height;
  if (pixels === 0 || img.data.length !== pixels * 3) {
    throw new Error(`RgbImage ${img.width}×${img.height} needs ${pixels * 3} bytes, has ${img.data.length}`);
  }
  return pixels;
}

/** Cell of the 4×4×4 histogram: the top two bits of each channel (0–63, 64–127, 128–191, 192–255). */
function histCell(r: number, g: number, b: number): number {
  return (r >> 6) * 16 + (g >> 6) * 4 + (b >> 6);
}

export function colourTargets(img: RgbImage): ColourTargets {
  const pixels = assertImage(img);
  const counts = new Float64Array(HIST_SIZE);
  let sr = 0;
  let sg = 0;
  let sb = 0;
  const d = img.data;
  for (let p = 0; p < pixels * 3; p += 3) {
    sr += d[p];
    sg += d[p + 1];
    sb += d[p + 2];
    counts[histCell(d[p], d[p + 1], d[p + 2])]++;
  }
  const hist = new Float32Array(HIST_SIZE);
  for (let c = 0; c < HIST_SIZE; c++) hist[c] = counts[c] / pixels;
  return { meanRgb: [sr / pixels, sg / pixels, sb / pixels], hist };
}

/** Targets of the pixels the model actually sees (after the rule's resize and centre crop). */
export function colourTargetsOfModelInput(img: RgbImage, rule: ResizeRule): ColourTargets {
  return colourTargets(resizeAndCrop(img, rule));
}

/** Number of target columns of a colour readout: 3 mean channels, then the 64 histogram cells. */
export const COLOUR_TARGET_SIZE = 3 + HIST_SIZE;

/** Row-major n × 67 float64 matrix [meanR, meanG, meanB, hist…] of many images, for a readout. */
export function colourTargetMatrix(images: readonly RgbImage[]): Float64Array {
  const out = new Float64Array(images.length * COLOUR_TARGET_SIZE);
  images.forEach((img, i) => {
    const t = colourTargets(img);
    out.set(t.meanRgb, i * COLOUR_TARGET_SIZE);
    out.set(t.hist, i * COLOUR_TARGET_SIZE + 3);
  });
  return out;
}

/**
 * PIL's `convert('L')` replicated to three channels. PIL computes L in 16.16 fixed point
 * (L24 in libImaging/Convert.c: R·19595 + G·38470 + B·7471 + 0x8000, then >> 16), which is the ITU-R
 * 601-2 luma R·299/1000 + G·587/1000 + B·114/1000 rounded to nearest. Using the fixed-point form keeps
 * every one of the 2^24 colours identical to PIL, including the x.5 cases a float formula could round
 * differently.
 */
export function toGreyscaleRgb(img: RgbImage): RgbImage {
  const pixels = assertImage(img);
  const src = img.data;
  const out = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels * 3; p += 3) {
    const l = (src[p] * 19595 + src[p + 1] * 38470 + src[p + 2] * 7471 + 0x8000) >>> 16;
    out[p] = l;
    out[p + 1] = l;
    out[p + 2] = l;
  }
  return { data: out, width: img.width, height: img.height };
}
