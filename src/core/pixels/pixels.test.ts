import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../types.ts';
import { pngSamplesToRgb, rgbaToRgb, unpackLowDepth } from './convert.ts';
import { centerCrop, roundHalfEven } from './crop.ts';
import { preprocess, resizedSize } from './preprocess.ts';
import { computeCoefficients, FILTERS, resizeRgb } from './resize.ts';

function gradient(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set([x * 7, y * 11, (x * y) % 256], (y * width + x) * 3);
  return { data, width, height };
}

describe('torchvision geometry', () => {
  it('rounds halves to even like Python round()', () => {
    expect([0.5, 1.5, 2.5, 16.5, 17.5, 3.4, 3.6].map(roundHalfEven)).toEqual([0, 2, 2, 16, 18, 3, 4]);
  });

  it('computes Resize(224) output sizes with int() truncation', () => {
    const rule = { mode: 'shorter-side', resize: 224, crop: 224, interpolation: 'bicubic' } as const;
    expect(resizedSize(640, 427, rule)).toEqual({ width: 335, height: 224 });
    expect(resizedSize(427, 640, rule)).toEqual({ width: 224, height: 335 });
    expect(resizedSize(37, 23, rule)).toEqual({ width: 360, height: 224 });
    expect(resizedSize(500, 500, { ...rule, mode: 'squash', resize: 257 })).toEqual({
      width: 257,
      height: 257,
    });
  });

  it('centre-crops 257 -> 224 at offset 16 (round(16.5) == 16)', () => {
    const img = gradient(257, 257);
    const crop = centerCrop(img, 224);
    expect(Array.from(crop.data.subarray(0, 3))).toEqual(
      Array.from(img.data.subarray((16 * 257 + 16) * 3, (16 * 257 + 16) * 3 + 3)),
    );
  });

  it('zero-pads an image smaller than the crop, left/top getting the floor half', () => {
    const crop = centerCrop({ data: new Uint8Array(3 * 3).fill(200), width: 3, height: 1 }, 4);
    // width pad: 0 left... (4-3)//2 = 0 left, 1 right; height: (4-1)//2 = 1 top, 2 bottom
    expect(Array.from(crop.data.subarray(4 * 3, 4 * 3 + 12))).toEqual([
      200, 200, 200, 200, 200, 200, 200, 200, 200, 0, 0, 0,
    ]);
    expect(crop.data.subarray(0, 12).every((v) => v === 0)).toBe(true);
  });
});

describe('PIL resampling', () => {
  it('keeps a constant image constant (weights sum to exactly 2^22 after rounding)', () => {
    const img = { data: new Uint8Array(50 * 30 * 3).fill(173), width: 50, height: 30 };
    for (const interp of ['bicubic', 'bilinear'] as const) {
      const out = resizeRgb(img, 17, 41, interp);
      expect(out.data.every((v) => v === 173)).toBe(true);
    }
  });

  it('widens the filter by the downscale factor (antialiasing)', () => {
    expect(computeCoefficients(640, 335, FILTERS.bicubic).ksize).toBe(Math.ceil(2 * (640 / 335)) * 2 + 1);
    expect(computeCoefficients(100, 400, FILTERS.bilinear).ksize).toBe(3);
  });

  it('returns a copy when the size does not change', () => {
    const img = gradient(9, 5);
    const out = resizeRgb(img, 9, 5, 'bicubic');
    expect(out.data).toEqual(img.data);
    expect(out.data).not.toBe(img.data);
  });

  it('preprocess gives crop*crop*3 floats in [0,1] equal to byte/255 in float32', () => {
    const out = preprocess(gradient(300, 260), {
      mode: 'shorter-side',
      resize: 224,
      crop: 224,
      interpolation: 'bicubic',
    });
    expect(out.length).toBe(224 * 224 * 3);
    expect(out.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(out.every((v) => Math.fround(Math.round(v * 255) / 255) === v)).toBe(true);
  });
});

describe('PIL mode rules to RGB', () => {
  it('unpacks byte-aligned low-depth rows', () => {
    // width 3 at 2 bits: one byte per row, values 3,0,2 then 1,1,1
    expect(Array.from(unpackLowDepth([0b11001000, 0b01010100], 3, 2, 2))).toEqual([3, 0, 2, 1, 1, 1]);
  });

  it('scales 2-bit grey by 85, clips 16-bit grey (mode I), keeps the high byte of 16-bit RGB', () => {
    const grey2 = pngSamplesToRgb({ width: 2, height: 1, depth: 2, channels: 1, data: [0b11010000] });
    expect(Array.from(grey2.data)).toEqual([255, 255, 255, 85, 85, 85]);
    const grey16 = pngSamplesToRgb({ width: 2, height: 1, depth: 16, channels: 1, data: [200, 40000] });
    expect(Array.from(grey16.data)).toEqual([200, 200, 200, 255, 255, 255]);
    const rgb16 = pngSamplesToRgb({
      width: 1,
      height: 1,
      depth: 16,
      channels: 3,
      data: [0x1234, 0xff00, 0x00ff],
    });
    expect(Array.from(rgb16.data)).toEqual([0x12, 0xff, 0x00]);
  });

  it('looks palettes up (unknown index -> grey ramp) and drops alpha without compositing', () => {
    const p = pngSamplesToRgb({
      width: 2,
      height: 1,
      depth: 8,
      channels: 1,
      data: [0, 9],
      palette: [[10, 20, 30, 0]],
    });
    expect(Array.from(p.data)).toEqual([10, 20, 30, 9, 9, 9]);
    expect(Array.from(rgbaToRgb([1, 2, 3, 0], 1, 1).data)).toEqual([1, 2, 3]);
  });
});
