// A decoded image as diffusion's input: shorter side resized to the geometry's side (242 for a 224 model),
// centre-cropped to side×side, [0,1] floats. The model's own crop is then the centre crop of this.

import { preprocess } from '../pixels/preprocess.ts';
import type { Interpolation, RgbImage } from '../types.ts';
import type { OcclusionGeometry } from './geometry.ts';

export function diffusionInput(
  img: RgbImage,
  g: OcclusionGeometry,
  interpolation: Interpolation,
): Float32Array {
  return preprocess(img, { mode: 'shorter-side', resize: g.side, crop: g.side, interpolation });
}
