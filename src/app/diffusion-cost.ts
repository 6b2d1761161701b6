// What an attentive-diffusion run will cost before it starts: one forward pass per occluder position per
// image per model (plus the unoccluded one), at each model's own input size. Time is said only where it has
// a basis: a rate measured by a run here, or the zoo-size reference measured on the 2-core test machine.

import { occlusionGeometry, positionsPerImage } from '../core/diffusion/geometry.ts';
import type { DiffusionSettings } from '../core/diffusion/settings.ts';

/**
 * Forward passes per second of the 32-px zoo ResNets on the wasm backend of the 2-core test machine
 * (BENCHMARKS.md, attentive diffusion: 4 models × 20 images × 442 passes at stride 2 in about 60 s).
 */
export const REFERENCE = { passesPerSecond: 590, inputSize: 32, backends: ['wasm', 'cpu'] } as const;

export interface DiffusionCost {
  passes: number;
  /** Seconds, or null where there is no basis for a number (a GPU backend, a large model, nothing measured). */
  seconds: number | null;
  basis: 'measured-here' | 'reference-cpu' | 'unknown';
}

export function diffusionCost(opts: {
  /** The models' input sides (the crop each model sees). */
  crops: number[];
  settings: Pick<DiffusionSettings, 'occluder' | 'stride' | 'images'>;
  backend: string | null;
  /** Passes per second of a run here (same backend), scaled to 32-px inputs; null when none has run. */
  measuredPassesPerSecond?: number | null;
}): DiffusionCost {
  const { crops, settings } = opts;
  const perModel = crops.map(
    (crop) =>
      settings.images * (positionsPerImage(occlusionGeometry(crop, settings.occluder, settings.stride)) + 1),
  );
  const passes = perModel.reduce((a, b) => a + b, 0);
  // Time grows with the pixels a pass sees; the reference is a 32-px ResNet-10, so only models of that size
  // get a number from it (a ResNet-50 at 224 px costs far more than 49× a ResNet-10's pass).
  const scaled = crops.reduce((sum, crop, i) => sum + perModel[i] * (crop / REFERENCE.inputSize) ** 2, 0);
  const rate = opts.measuredPassesPerSecond;
  if (rate && Number.isFinite(rate) && rate > 0)
    return { passes, seconds: scaled / rate, basis: 'measured-here' };
  const zooSized = crops.every((c) => c <= REFERENCE.inputSize);
  if (zooSized && opts.backend !== null && (REFERENCE.backends as readonly string[]).includes(opts.backend))
    return { passes, seconds: scaled / REFERENCE.passesPerSecond, basis: 'reference-cpu' };
  return { passes, seconds: null, basis: 'unknown' };
}
