// Position embeddings resampled to another patch grid, bicubic, the way each reference implementation
// calls torch.nn.functional.interpolate (see PosEmbedResample). Pure arithmetic (no tfjs): it runs once
// per input size, in float64, so every backend adds the very same table.
//
// PyTorch has two bicubic kernels and the references use both:
// - antialias=False (upsample_bicubic2d): Keys' cubic with a = −0.75, four taps at floor(src)−1..+2 with
//   indices clamped to the border; src = (dst + 0.5)·scale − 0.5, or dst·(in−1)/(out−1) with align_corners.
//   scale is in/out, or 1/scale_factor when the caller passes a scale factor (DINO, DINOv2: (grid+0.1)/M).
// - antialias=True (_upsample_bicubic2d_aa, PIL's resampler): a = −0.5, support 2·max(scale, 1), taps
//   only inside the image and weights normalised to sum 1; timm and open_clip use it.

import type { PosEmbedResample } from '../../convert/vit-keys.ts';

/** For each output index, its input taps and weights. */
type Taps = { index: number[]; weight: number[] }[];

function cubicKeys(x: number, a: number): number {
  const t = Math.abs(x);
  if (t <= 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0;
}

function bicubicTaps(inSize: number, outSize: number, scale: number, alignCorners: boolean): Taps {
  const taps: Taps = [];
  for (let i = 0; i < outSize; i++) {
    const src = alignCorners ? i * scale : (i + 0.5) * scale - 0.5;
    const base = Math.floor(src);
    const t = src - base;
    const weight = [
      cubicKeys(t + 1, -0.75),
      cubicKeys(t, -0.75),
      cubicKeys(1 - t, -0.75),
      cubicKeys(2 - t, -0.75),
    ];
    const index = [-1, 0, 1, 2].map((k) => Math.min(Math.max(base + k, 0), inSize - 1));
    taps.push({ index, weight });
  }
  return taps;
}

function antialiasTaps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const support = scale >= 1 ? 2 * scale : 2;
  const invScale = scale >= 1 ? 1 / scale : 1;
  const taps: Taps = [];
  for (let i = 0; i < outSize; i++) {
    const center = scale * (i + 0.5);
    // Math.trunc: PyTorch casts to int64, which truncates toward zero.
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const hi = Math.min(Math.trunc(center + support + 0.5), inSize);
    const index: number[] = [];
    const weight: number[] = [];
    for (let j = lo; j < hi; j++) {
      index.push(j);
      weight.push(cubicKeys((j - center + 0.5) * invScale, -0.5));
    }
    const total = weight.reduce((s, w) => s + w, 0);
    taps.push({ index, weight: total === 0 ? weight : weight.map((w) => w / total) });
  }
  return taps;
}

/** The 1-D taps of one axis for a reference's way of resizing `inSize` → `outSize` positions. */
export function resampleTaps(inSize: number, outSize: number, mode: PosEmbedResample): Taps {
  switch (mode) {
    case 'timm':
      return antialiasTaps(inSize, outSize);
    case 'torchvision':
      return bicubicTaps(inSize, outSize, outSize > 1 ? (inSize - 1) / (outSize - 1) : 0, true);
    case 'dinov2':
      // interpolate(scale_factor=(out + 0.1)/in): the kernel uses 1/scale_factor, not in/out.
      return bicubicTaps(inSize, outSize, inSize / (outSize + 0.1), false);
  }
}

/**
 * Resamples a [inH·inW, D] grid table (row-major, rows then columns) to [outH·outW, D], separably
 * (rows first, then columns) in float64.
 */
export function resampleGrid(
  table: Float32Array,
  width: number,
  from: [number, number],
  to: [number, number],
  mode: PosEmbedResample,
): Float32Array {
  const [inH, inW] = from;
  const [outH, outW] = to;
  if (table.length !== inH * inW * width) {
    throw new Error(`position table has ${table.length} values, expected ${inH}×${inW}×${width}`);
  }
  const rowTaps = resampleTaps(inH, outH, mode);
  const colTaps = resampleTaps(inW, outW, mode);
  const mid = new Float64Array(outH * inW * width);
  for (let y = 0; y < outH; y++) {
    const { index, weight } = rowTaps[y];
    for (let x = 0; x < inW; x++) {
      const o = (y * inW + x) * width;
      for (let k = 0; k < index.length; k++) {
        const src = (index[k] * inW + x) * width;
        const w = weight[k];
        for (let d = 0; d < width; d++) mid[o + d] += w * table[src + d];
      }
    }
  }
  const out = new Float32Array(outH * outW * width);
  const acc = new Float64Array(width);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      acc.fill(0);
      const { index, weight } = colTaps[x];
      for (let k = 0; k < index.length; k++) {
        const src = (y * inW + index[k]) * width;
        for (let d = 0; d < width; d++) acc[d] += weight[k] * mid[src + d];
      }
      out.set(acc, (y * outW + x) * width);
    }
  }
  return out;
}

/** The grid part of a position table at `grid`×`grid`, unchanged when it is the trained grid (as every reference does). */
export function positionsForGrid(
  gridTable: Float32Array,
  width: number,
  trainedGrid: number,
  grid: [number, number],
  mode: PosEmbedResample,
): Float32Array {
  if (grid[0] === trainedGrid && grid[1] === trainedGrid) return gridTable;
  return resampleGrid(gridTable, width, [trainedGrid, trainedGrid], grid, mode);
}
