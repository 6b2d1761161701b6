// A ResizeRule applied the way torchvision 0.14 applies Resize + CenterCrop + ToTensor to a PIL image.

import type { ResizeRule, RgbImage } from '../types.ts';
import { centerCrop } from './crop.ts';
import { resizeRgb } from './resize.ts';

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
  // torchvision returns the image untouched when it already has the target size; Pillow would copy it.
  const resized =
    size.width === img.width && size.height === img.height
      ? img
      : resizeRgb(img, size.width, size.height, rule.interpolation);
  return centerCrop(resized, rule.crop);
}

/** 8-bit RGB to float32 in [0, 1]; v / 255 rounds the same way as torch's float32 division in ToTensor. */
export function toUnitFloat(img: RgbImage): Float32Array {
  const out = new Float32Array(img.data.length);
  for (let i = 0; i < img.data.length; i++) out[i] = img.data[i] / 255;
  return out;
}

/** The model input before mean/std normalisation: crop·crop·3 float32, HWC, in [0, 1]. */
export function preprocess(img: RgbImage, rule: ResizeRule): Float32Array {
  return toUnitFloat(resizeAndCrop(img, rule));
}
