// Where the occluder goes. The paper slides a 10×10 occluder over a 242×242 image and crops the map to the
// 224×224 centre, which is also what the model sees. 242 = 224 + 2·9: a margin of (occluder − 1) pixels on
// each side is exactly what lets every pixel of the 224 crop be covered by occluder² positions at stride 1,
// and 233² ≈ 54,000 positions is the paper's forward-pass count. The same rule scales to other input sizes.

import { DiffusionSettingsError } from './settings.ts';

export interface OcclusionGeometry {
  /** The model's input side (the card's centre crop): the map's side. */
  crop: number;
  occluder: number;
  stride: number;
  /** occluder − 1: pixels of context around the crop. */
  margin: number;
  /** crop + 2·margin: the side the image is resized and cropped to before occluding (242 for 224). */
  side: number;
  /** Occluder origins along one axis (top-left corner, in side coordinates): 0, stride, … ≤ side − occluder. */
  origins: number[];
}

export function occlusionGeometry(crop: number, occluder: number, stride: number): OcclusionGeometry {
  if (!Number.isInteger(crop) || crop < 1)
    throw new DiffusionSettingsError(`crop must be a positive integer, got ${crop}`);
  if (!Number.isInteger(occluder) || occluder < 1 || occluder > crop)
    throw new DiffusionSettingsError(
      `occluder must be an integer in [1, ${crop}] for a ${crop}-pixel input, got ${occluder}`,
    );
  if (!Number.isInteger(stride) || stride < 1 || stride > occluder)
    throw new DiffusionSettingsError(`stride must be an integer in [1, ${occluder}], got ${stride}`);
  const margin = occluder - 1;
  const side = crop + 2 * margin;
  const origins: number[] = [];
  for (let o = 0; o <= side - occluder; o += stride) origins.push(o);
  return { crop, occluder, stride, margin, side, origins };
}

/** Forward passes per image (one per occluder position), not counting the unoccluded one. */
export function positionsPerImage(g: OcclusionGeometry): number {
  return g.origins.length * g.origins.length;
}

/** Position index → occluder origin (row-major: y outer, x inner), in side coordinates. */
export function positionOrigin(g: OcclusionGeometry, index: number): { x: number; y: number } {
  const n = g.origins.length;
  return { y: g.origins[Math.floor(index / n)], x: g.origins[index % n] };
}
