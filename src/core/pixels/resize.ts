// PIL-exact resampling of 8-bit RGB images (a port of the algorithm in Pillow's libImaging/Resample.c).
//
// Pillow resizes in two separable passes, horizontal then vertical. Each output pixel is a weighted sum of
// input pixels under a filter whose support widens by the downscale factor (so shrinking antialiases).
// Weights are normalised in double precision, then turned into 22-bit fixed point; every pass rounds and
// clips to uint8. Reproducing those integer steps exactly is what makes our pixels equal PIL's bit for bit.

import type { Interpolation, RgbImage } from '../types.ts';

const PRECISION_BITS = 32 - 8 - 2;
const FIXED_ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

interface Filter {
  weight(x: number): number;
  support: number;
}

const BILINEAR: Filter = {
  support: 1,
  weight(x) {
    const ax = x < 0 ? -x : x;
    return ax < 1 ? 1 - ax : 0;
  },
};

// Keys' cubic convolution with a = -0.5, written in exactly Pillow's operation order so doubles round alike.
const BICUBIC: Filter = {
  support: 2,
  weight(x) {
    const a = -0.5;
    const ax = x < 0 ? -x : x;
    if (ax < 1) return ((a + 2) * ax - (a + 3)) * ax * ax + 1;
    if (ax < 2) return (((ax - 5) * ax + 8) * ax - 4) * a;
    return 0;
  },
};

export const FILTERS: Record<Interpolation, Filter> = { bicubic: BICUBIC, bilinear: BILINEAR };

/** Per output position: first input index, tap count, and `ksize` fixed-point weights. */
export interface Coefficients {
  ksize: number;
  starts: Int32Array;
  counts: Int32Array;
  weights: Int32Array;
}

/** Pillow's precompute_coeffs + normalize_coeffs_8bpc for a resize of `inSize` samples to `outSize`. */
export function computeCoefficients(inSize: number, outSize: number, filter: Filter): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(1, scale);
  const support = filter.support * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const starts = new Int32Array(outSize);
  const counts = new Int32Array(outSize);
  const weights = new Int32Array(outSize * ksize);
  const taps = new Float64Array(ksize);
  const invScale = 1 / filterScale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    // C's (int) cast truncates toward zero; the clamps make that equal to Pillow's bounds.
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      const w = filter.weight((x + xmin - center + 0.5) * invScale);
      taps[x] = w;
      total += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = total !== 0 ? taps[x] / total : taps[x];
      // Round half away from zero, as Pillow's (int)(w * 2^22 ± 0.5).
      weights[xx * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * FIXED_ONE) : Math.trunc(0.5 + w * FIXED_ONE);
    }
    starts[xx] = xmin;
    counts[xx] = xmax;
  }
  return { ksize, starts, counts, weights };
}

/** Pillow's clip8: arithmetic shift right by PRECISION_BITS, then clamp to 0..255. */
function clip8(sum: number): number {
  const v = sum >> PRECISION_BITS;
  return Math.min(255, Math.max(0, v));
}

/** Horizontal pass over rows [rowStart, rowStart + rows) of `src` (width `srcW`), into a `outW`-wide image. */
function resampleRows(
  src: Uint8Array,
  srcW: number,
  rowStart: number,
  rows: number,
  outW: number,
  c: Coefficients,
): Uint8Array {
  const out = new Uint8Array(outW * rows * 3);
  for (let y = 0; y < rows; y++) {
    const rowBase = (y + rowStart) * srcW * 3;
    const outBase = y * outW * 3;
    for (let xx = 0; xx < outW; xx++) {
      const start = c.starts[xx];
      const count = c.counts[xx];
      const kBase = xx * c.ksize;
      let r = HALF;
      let g = HALF;
      let b = HALF;
      for (let x = 0; x < count; x++) {
        const k = c.weights[kBase + x];
        const p = rowBase + (start + x) * 3;
        r = (r + src[p] * k) | 0;
        g = (g + src[p + 1] * k) | 0;
        b = (b + src[p + 2] * k) | 0;
      }
      const o = outBase + xx * 3;
      out[o] = clip8(r);
      out[o + 1] = clip8(g);
      out[o + 2] = clip8(b);
    }
  }
  return out;
}

/**
 * Vertical pass: each output row mixes `counts[yy]` input rows starting at `starts[yy] - rowOffset`.
 * Rows are accumulated whole (sequential memory access). Sums stay within int32 as in Pillow (|w| <= ~1.3 ×
 * 2^22 per tap sum, × 255), so int32 arithmetic is exact and the order of additions cannot change the result.
 */
function resampleColumns(src: Uint8Array, width: number, outH: number, c: Coefficients, rowOffset: number) {
  const rowLen = width * 3;
  const out = new Uint8Array(rowLen * outH);
  const acc = new Int32Array(rowLen);
  for (let yy = 0; yy < outH; yy++) {
    acc.fill(HALF);
    const start = c.starts[yy] - rowOffset;
    const kBase = yy * c.ksize;
    for (let y = 0; y < c.counts[yy]; y++) {
      const k = c.weights[kBase + y];
      const base = (start + y) * rowLen;
      for (let i = 0; i < rowLen; i++) acc[i] = (acc[i] + src[base + i] * k) | 0;
    }
    const outBase = yy * rowLen;
    for (let i = 0; i < rowLen; i++) out[outBase + i] = clip8(acc[i]);
  }
  return out;
}

/**
 * Resizes like PIL's `Image.resize((width, height), resample)` on an RGB image. Like Pillow, the horizontal
 * pass only touches the rows the vertical pass will read, and a pass whose size does not change is skipped.
 */
export function resizeRgb(
  img: RgbImage,
  width: number,
  height: number,
  interpolation: Interpolation,
): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`resize target must be positive integers, got ${width}x${height}`);
  }
  const filter = FILTERS[interpolation];
  const vertical = computeCoefficients(img.height, height, filter);
  const needHorizontal = width !== img.width;
  const needVertical = height !== img.height;
  let data = img.data;
  let rowOffset = 0;
  if (needHorizontal) {
    const firstRow = vertical.starts[0];
    const lastRow = vertical.starts[height - 1] + vertical.counts[height - 1];
    const horizontal = computeCoefficients(img.width, width, filter);
    data = resampleRows(img.data, img.width, firstRow, lastRow - firstRow, width, horizontal);
    rowOffset = firstRow;
  }
  if (needVertical) data = resampleColumns(data, width, height, vertical, rowOffset);
  if (!needHorizontal && !needVertical) data = img.data.slice();
  return { data, width, height };
}

// ---------------------------------------------------------------------------------------------------------
// The fast path: the same integer arithmetic, computing only the pixels a centre crop keeps.
//
// Every output pixel of a pass is a function of its own input taps only, so skipping outputs that the crop
// throws away cannot change the ones it keeps: the horizontal pass computes just the crop's columns on just
// the rows the kept output rows read, and the vertical pass just the kept rows. `resizeRgb` above stays the
// literal port; `src/core/pixels/fast-path.test.ts` checks the two agree bit for bit.

/** A rectangle of the resized image, in resized-image pixels. */
export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

const COEFFICIENT_CACHE_LIMIT = 64;
const coefficientCache = new Map<string, Coefficients>();

/** Coefficients depend only on (inSize, outSize, filter): datasets repeat the same few sizes, so keep them. */
export function cachedCoefficients(
  inSize: number,
  outSize: number,
  interpolation: Interpolation,
): Coefficients {
  const key = `${inSize}>${outSize}:${interpolation}`;
  let c = coefficientCache.get(key);
  if (!c) {
    if (coefficientCache.size >= COEFFICIENT_CACHE_LIMIT) coefficientCache.clear();
    c = computeCoefficients(inSize, outSize, FILTERS[interpolation]);
    coefficientCache.set(key, c);
  }
  return c;
}

/**
 * Horizontal pass over `rows` rows from `rowStart`, computing output columns [colStart, colStart + cols).
 * Writes into a Uint8ClampedArray: storing an int there clamps to 0..255, which is exactly Pillow's clip8
 * after the shift, without a branch per channel.
 */
function horizontalPass(
  src: Uint8Array,
  srcW: number,
  rowStart: number,
  rows: number,
  colStart: number,
  cols: number,
  c: Coefficients,
): Uint8ClampedArray {
  const out = new Uint8ClampedArray(cols * rows * 3);
  const { starts, counts, weights, ksize } = c;
  const srcRowLen = srcW * 3;
  let o = 0;
  for (let y = 0; y < rows; y++) {
    const rowBase = (y + rowStart) * srcRowLen;
    for (let xx = colStart; xx < colStart + cols; xx++) {
      let p = rowBase + starts[xx] * 3;
      let k = xx * ksize;
      const kEnd = k + counts[xx];
      let r = HALF;
      let g = HALF;
      let b = HALF;
      for (; k < kEnd; k++, p += 3) {
        const w = weights[k];
        r = (r + src[p] * w) | 0;
        g = (g + src[p + 1] * w) | 0;
        b = (b + src[p + 2] * w) | 0;
      }
      out[o] = r >> PRECISION_BITS;
      out[o + 1] = g >> PRECISION_BITS;
      out[o + 2] = b >> PRECISION_BITS;
      o += 3;
    }
  }
  return out;
}

/** Where the vertical pass reads: `src` rows of `rowLen` bytes, row r holding input row r + rowOffset. */
interface Rows {
  /** Always a Uint8Array (a view when the pass wrote clamped bytes): one array type keeps the loop monomorphic. */
  data: Uint8Array;
  rowLen: number;
  rowOffset: number;
  /** Byte offset of the first wanted column inside each row. */
  colOffset: number;
}

/**
 * Vertical pass for output rows [rowStart, rowStart + rows), `width` pixels each. One accumulator per value
 * (taps innermost) keeps the sum in a register; int32 sums never overflow (see resampleColumns), so the
 * order of additions cannot change the result.
 */
function verticalPass(src: Rows, width: number, rowStart: number, rows: number, c: Coefficients) {
  const out = new Uint8ClampedArray(width * 3 * rows);
  const { starts, counts, weights, ksize } = c;
  const { data, rowLen } = src;
  const len = width * 3;
  let o = 0;
  for (let yy = rowStart; yy < rowStart + rows; yy++) {
    const first = (starts[yy] - src.rowOffset) * rowLen + src.colOffset;
    const kBase = yy * ksize;
    const count = counts[yy];
    for (let i = 0; i < len; i++) {
      let sum = HALF;
      let p = first + i;
      for (let t = 0; t < count; t++, p += rowLen) sum = (sum + data[p] * weights[kBase + t]) | 0;
      out[o++] = sum >> PRECISION_BITS;
    }
  }
  return out;
}

/** Copies `rows` rows of `width` pixels (no resampling in this direction), from input row `rowStart`. */
function copyRows(src: Rows, width: number, rowStart: number, rows: number): Uint8Array {
  const len = width * 3;
  const out = new Uint8Array(len * rows);
  for (let y = 0; y < rows; y++) {
    const from = (rowStart + y - src.rowOffset) * src.rowLen + src.colOffset;
    out.set(src.data.subarray(from, from + len), y * len);
  }
  return out;
}

function asBytes(clamped: Uint8ClampedArray): Uint8Array {
  return new Uint8Array(clamped.buffer, clamped.byteOffset, clamped.length);
}

/**
 * `resizeRgb(img, outW, outH, interpolation)` cut to `region`, computing only the region's pixels.
 * Pillow skips a pass whose size does not change (no rounding there); so does this.
 */
export function resizeRegion(
  img: RgbImage,
  outW: number,
  outH: number,
  interpolation: Interpolation,
  region: Region,
): RgbImage {
  const { left, top, width, height } = region;
  if (left < 0 || top < 0 || width < 1 || height < 1 || left + width > outW || top + height > outH) {
    throw new RangeError(`region ${width}x${height}+${left}+${top} is outside the ${outW}x${outH} image`);
  }
  const vertical = outH !== img.height ? cachedCoefficients(img.height, outH, interpolation) : null;
  // Input rows the kept output rows read (starts and ends grow monotonically with the output row).
  const firstRow = vertical ? vertical.starts[top] : top;
  const endRow = vertical
    ? vertical.starts[top + height - 1] + vertical.counts[top + height - 1]
    : top + height;
  let rows: Rows = { data: img.data, rowLen: img.width * 3, rowOffset: 0, colOffset: left * 3 };
  if (outW !== img.width) {
    const horizontal = cachedCoefficients(img.width, outW, interpolation);
    const data = horizontalPass(img.data, img.width, firstRow, endRow - firstRow, left, width, horizontal);
    rows = { data: asBytes(data), rowLen: width * 3, rowOffset: firstRow, colOffset: 0 };
  }
  const out = vertical
    ? verticalPass(rows, width, top, height, vertical)
    : copyRows(rows, width, top, height);
  return { data: out instanceof Uint8Array ? out : asBytes(out), width, height };
}
