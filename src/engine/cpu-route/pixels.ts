// Input normalisation on the CPU route, rounded as the tfjs graph rounds it: (x − mean) then ÷ std, each in
// float32 (src/engine/resnet/build.ts normalise), so both routes start from the same input bits.

import type { Normalisation } from '../resnet/build.ts';

/** NHWC RGB [0,1] pixels → normalised, written into `out` (same length). */
export function normaliseInto(out: Float32Array, pixels: Float32Array, norm: Normalisation): void {
  if (out.length !== pixels.length)
    throw new Error(`${pixels.length} pixel values for room of ${out.length}`);
  const { mean, std } = norm;
  if (!mean || !std) {
    out.set(pixels);
    return;
  }
  const m = mean.map(Math.fround);
  const s = std.map(Math.fround);
  for (let i = 0; i < pixels.length; i += 3) {
    for (let c = 0; c < 3; c++) out[i + c] = Math.fround(pixels[i + c] - m[c]) / s[c];
  }
}
