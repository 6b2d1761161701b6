// torchvision's CenterCrop on a PIL image, including its offset rounding and zero padding.

import type { RgbImage } from '../types.ts';

/** Python's round(): halves go to the even neighbour (round(16.5) == 16), which CenterCrop inherits. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Centre crop to `size`×`size` as torchvision 0.14 does: top = int(round((h - size) / 2.0)), same for left.
 * An image smaller than the crop is first zero-padded ((size - w) // 2 left, the rest right; same vertically),
 * which is what torchvision's F.center_crop does.
 */
export function centerCrop(img: RgbImage, size: number): RgbImage {
  const padded = padToAtLeast(img, size);
  const top = roundHalfEven((padded.height - size) / 2);
  const left = roundHalfEven((padded.width - size) / 2);
  const out = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    const from = ((top + y) * padded.width + left) * 3;
    out.set(padded.data.subarray(from, from + size * 3), y * size * 3);
  }
  return { data: out, width: size, height: size };
}

function padToAtLeast(img: RgbImage, size: number): RgbImage {
  if (img.width >= size && img.height >= size) return img;
  const width = Math.max(img.width, size);
  const height = Math.max(img.height, size);
  const left = Math.floor((width - img.width) / 2);
  const top = Math.floor((height - img.height) / 2);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < img.height; y++) {
    const from = y * img.width * 3;
    data.set(img.data.subarray(from, from + img.width * 3), ((top + y) * width + left) * 3);
  }
  return { data, width, height };
}
