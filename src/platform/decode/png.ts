// PNG via fast-png (pure JS, works in Node and in Workers), then PIL's mode rules to RGB.

import { decode } from 'fast-png';
import { pngSamplesToRgb } from '../../core/pixels/convert.ts';
import type { RgbImage } from '../../core/types.ts';

export function decodePng(bytes: Uint8Array): RgbImage {
  const png = decode(bytes);
  const expected = png.width * png.height * png.channels;
  // fast-png returns short data for a truncated IDAT stream instead of failing; PIL raises there.
  const minLength = png.depth < 8 ? Math.ceil((png.width * png.depth) / 8) * png.height : expected;
  if (png.data.length < minLength)
    throw new Error(`pixel data ends early (${png.data.length} of ${minLength})`);
  return pngSamplesToRgb({
    width: png.width,
    height: png.height,
    depth: png.depth,
    channels: png.channels,
    data: png.data,
    palette: png.palette,
  });
}
