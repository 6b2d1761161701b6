// Attentive diffusion (paper §4.9), the pure part: settings, occluder geometry, occluded inputs, the
// saliency map, the diffusion value and its interval. src/engine/diffusion runs a backbone over it.

export * from './geometry.ts';
export * from './input.ts';
export * from './interval.ts';
export * from './map.ts';
export * from './occlude.ts';
export * from './result.ts';
export * from './sample.ts';
export * from './settings.ts';
