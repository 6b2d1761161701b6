// The fast crop-aware resampler must give exactly the literal port's pixels: resizeRgb over the whole image,
// then CenterCrop, then /255. Random images, odd sizes, up- and downscaling, passes skipped, padding.

import { describe, expect, it } from 'vitest';
import { createRng } from '../rng.ts';
import type { Interpolation, ResizeRule, RgbImage } from '../types.ts';
import { centerCrop } from './crop.ts';
import { preprocess, preprocessInto, resizeAndCrop, resizedSize } from './preprocess.ts';
import { resizeRegion, resizeRgb } from './resize.ts';

function noise(width: number, height: number, seed: number): RgbImage {
  const rng = createRng(seed);
  const data = new Uint8Array(width * height * 3);
  // Smooth ramps plus noise plus hard 0/255 edges: overshoot of the bicubic lobes exercises the clamping.
  for (let i = 0; i < data.length; i++) {
    const x = (i / 3) % width;
    const edge = x % 7 < 3 ? 255 : 0;
    data[i] = rng.nextFloat() < 0.3 ? edge : Math.floor(rng.nextFloat() * 256);
  }
  return { data, width, height };
}

/** Bitwise equality (fast on 150k values, where a deep toEqual takes seconds). */
function sameFloats(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

/** What preprocess did before the fast path: the whole resize, then CenterCrop. */
function literal(img: RgbImage, rule: ResizeRule): RgbImage {
  const size = resizedSize(img.width, img.height, rule);
  const same = size.width === img.width && size.height === img.height;
  return centerCrop(same ? img : resizeRgb(img, size.width, size.height, rule.interpolation), rule.crop);
}

const SIZES: [number, number][] = [
  [640, 427],
  [427, 640],
  [500, 500],
  [224, 300],
  [300, 224],
  [257, 257],
  [37, 23],
  [1, 1],
  [1000, 31],
  [225, 224],
];

const RULES: ResizeRule[] = [
  { mode: 'shorter-side', resize: 224, crop: 224, interpolation: 'bicubic' },
  { mode: 'squash', resize: 257, crop: 224, interpolation: 'bilinear' },
  { mode: 'shorter-side', resize: 36, crop: 32, interpolation: 'bicubic' },
  { mode: 'squash', resize: 37, crop: 32, interpolation: 'bilinear' },
  { mode: 'squash', resize: 30, crop: 32, interpolation: 'bicubic' }, // zero padding
];

describe('fast resize + crop equals the literal port bit for bit', () => {
  let seed = 1;
  for (const [w, h] of SIZES) {
    it(`${w}x${h} under every rule`, () => {
      const img = noise(w, h, seed++);
      for (const rule of RULES) {
        const want = literal(img, rule);
        const got = resizeAndCrop(img, rule);
        expect([got.width, got.height]).toEqual([want.width, want.height]);
        expect(Buffer.from(got.data).equals(Buffer.from(want.data))).toBe(true);
        const floats = preprocess(img, rule);
        expect(
          sameFloats(
            floats,
            Float32Array.from(want.data, (v) => v / 255),
          ),
        ).toBe(true);
      }
    });
  }

  it('handles every region of a resize, including ones where a pass is skipped', () => {
    const img = noise(23, 17, 99);
    const cases: [number, number, Interpolation][] = [
      [11, 17, 'bicubic'], // vertical pass skipped
      [23, 40, 'bilinear'], // horizontal pass skipped
      [23, 17, 'bicubic'], // both skipped
      [50, 9, 'bicubic'],
    ];
    for (const [outW, outH, interp] of cases) {
      const full = resizeRgb(img, outW, outH, interp);
      for (const [left, top, width, height] of [
        [0, 0, outW, outH],
        [1, 2, outW - 1, outH - 3],
        [outW - 1, outH - 1, 1, 1],
      ]) {
        const got = resizeRegion(img, outW, outH, interp, { left, top, width, height });
        const want = new Uint8Array(width * height * 3);
        for (let y = 0; y < height; y++) {
          const from = ((top + y) * outW + left) * 3;
          want.set(full.data.subarray(from, from + width * 3), y * width * 3);
        }
        expect(Array.from(got.data)).toEqual(Array.from(want));
      }
    }
    expect(() => resizeRegion(img, 5, 5, 'bicubic', { left: 3, top: 0, width: 3, height: 1 })).toThrow(
      RangeError,
    );
  });

  it('preprocessInto writes the same floats into a batch buffer at an offset', () => {
    const rule = RULES[0];
    const img = noise(320, 240, 7);
    const batch = new Float32Array(2 * 224 * 224 * 3).fill(-1);
    preprocessInto(img, rule, batch, 224 * 224 * 3);
    expect(sameFloats(batch.subarray(224 * 224 * 3), preprocess(img, rule))).toBe(true);
    expect(batch.subarray(0, 224 * 224 * 3).every((v) => v === -1)).toBe(true);
    expect(() => preprocessInto(img, rule, batch, 224 * 224 * 3 + 1)).toThrow(RangeError);
  });
});
