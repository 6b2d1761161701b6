// Occluded model inputs: the crop of the side×side image with the occluder's square painted in (clipped to
// the crop, since part of it may lie in the margin the model does not see).

import type { OcclusionGeometry } from './geometry.ts';

/** The centre crop×crop of a side×side×3 HWC image: the unoccluded model input. */
export function centreCrop(g: OcclusionGeometry, image: Float32Array): Float32Array {
  const { crop, margin, side } = g;
  if (image.length !== side * side * 3)
    throw new RangeError(`diffusion image has ${image.length} values, expected ${side}×${side}×3`);
  const out = new Float32Array(crop * crop * 3);
  for (let y = 0; y < crop; y++) {
    const from = ((y + margin) * side + margin) * 3;
    out.set(image.subarray(from, from + crop * 3), y * crop * 3);
  }
  return out;
}

/**
 * Writes the base crop with the occluder at origin (x0, y0) (side coordinates) into `out` at `offset`.
 * `fill` is the occluder's colour in [0,1] pixels (see OccluderFill).
 */
export function writeOccluded(
  g: OcclusionGeometry,
  baseCrop: Float32Array,
  x0: number,
  y0: number,
  fill: readonly [number, number, number],
  out: Float32Array,
  offset: number,
): void {
  const { crop, margin, occluder } = g;
  out.set(baseCrop, offset);
  const left = Math.max(0, x0 - margin);
  const right = Math.min(crop, x0 - margin + occluder);
  const top = Math.max(0, y0 - margin);
  const bottom = Math.min(crop, y0 - margin + occluder);
  for (let y = top; y < bottom; y++) {
    for (let x = left; x < right; x++) {
      const p = offset + (y * crop + x) * 3;
      out[p] = fill[0];
      out[p + 1] = fill[1];
      out[p + 2] = fill[2];
    }
  }
}
