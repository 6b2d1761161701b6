// A ResizeRule applied the way torchvision 0.14 applies Resize + CenterCrop + ToTensor to a PIL image.

import type { ResizeRule, RgbImage } from '../types.ts';
import { centerCrop, roundHalfEven } from './crop.ts';
import { resizeRegion, resizeRgb } from './resize.ts';

/**
 * Output size of torchvision's Resize for a PIL image (`_compute_resized_output_size`):
 * 'shorter-side' keeps the aspect, the longer side becomes int(resize * long / short) (truncated);
 * 'squash' is Resize((resize, resize)).
 */
export function resizedSize(
  width: number,
  height: number,
  rule: ResizeRule,
): { width: number; height: number } {
  if (rule.mode === 'squash') return { width: rule.resize, height: rule.resize };
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  const newLong = Math.trunc((rule.resize * long) / short);
  return width <= height ? { width: rule.resize, height: newLong } : { width: newLong, height: rule.resize };
}

/** The rule's resize and centre crop, still as 8-bit RGB (what PIL would hand to ToTensor). */
export function resizeAndCrop(img: RgbImage, rule: ResizeRule): RgbImage {
  const size = resizedSize(img.width, img.height, rule);
  if (size.width < rule.crop || size.height < rule.crop) {
    // CenterCrop zero-pads: rare (tiny crops of tiny images), so take the literal path.
    const resized =
      size.width === img.width && size.height === img.height
        ? img // torchvision returns the image untouched when it already has the target size
        : resizeRgb(img, size.width, size.height, rule.interpolation);
    return centerCrop(resized, rule.crop);
  }
  // CenterCrop's offsets, so the resampler computes only the pixels the crop keeps.
  const region = {
    left: roundHalfEven((size.width - rule.crop) / 2),
    top: roundHalfEven((size.height - rule.crop) / 2),
    width: rule.crop,
    height: rule.crop,
  };
  return resizeRegion(img, size.width, size.height, rule.interpolation, region);
}

/** v / 255 as float32 for every byte: the same float32 values ToTensor's division gives, looked up. */
const UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/** 8-bit RGB to float32 in [0, 1]; v / 255 rounds the same way as torch's float32 division in ToTensor. */
export function toUnitFloat(img: RgbImage): Float32Array {
  const out = new Float32Array(img.data.length);
  writeUnitFloat(img.data, out, 0);
  return out;
}

/** 8-bit values to float32 in [0, 1] (as `toUnitFloat`) written into `out` at `offset`. */
export function writeUnitFloat(bytes: Uint8Array, out: Float32Array, offset: number): void {
  if (offset < 0 || offset + bytes.length > out.length) {
    throw new RangeError(`writeUnitFloat: ${bytes.length} values do not fit at ${offset} of ${out.length}`);
  }
  for (let i = 0; i < bytes.length; i++) out[offset + i] = UNIT[bytes[i]];
}

/** The model input before mean/std normalisation: crop·crop·3 float32, HWC, in [0, 1]. */
export function preprocess(img: RgbImage, rule: ResizeRule): Float32Array {
  return toUnitFloat(resizeAndCrop(img, rule));
}

/** `preprocess` written straight into a batch buffer at `offset` (floats), saving a copy per image. */
export function preprocessInto(img: RgbImage, rule: ResizeRule, out: Float32Array, offset: number): void {
  writeUnitFloat(resizeAndCrop(img, rule).data, out, offset);
}
