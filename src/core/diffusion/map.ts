// The saliency map and its attentive diffusion: per pixel, the relative feature change ‖f − f_occ‖ / ‖f‖
// averaged over the occlusions covering it; diffusion = % of map values above the map's mean.

import type { OcclusionGeometry } from './geometry.ts';

/** ‖f − f_occ‖ / ‖f‖ with f_occ the `row`-th D-vector of `occluded`; float64 sums. */
export function relativeChange(f: ArrayLike<number>, occluded: ArrayLike<number>, row: number): number {
  const d = f.length;
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < d; i++) {
    const e = f[i] - occluded[row * d + i];
    diff += e * e;
    norm += f[i] * f[i];
  }
  return Math.sqrt(diff) / Math.sqrt(norm);
}

export interface SaliencyMap {
  /** crop×crop, row-major. */
  map: Float64Array;
  /** How many occluder positions cover each pixel (occluder² everywhere at stride 1). */
  coverage: Uint32Array;
}

/**
 * `changes[i]` is the relative change for position i (row-major over geometry origins). Only the crop's
 * pixels are kept: the margin exists to give every crop pixel full coverage, as in the paper's 242 → 224.
 */
export function saliencyMap(g: OcclusionGeometry, changes: ArrayLike<number>): SaliencyMap {
  const { crop, margin, occluder, origins } = g;
  const n = origins.length;
  if (changes.length !== n * n) throw new RangeError(`${changes.length} changes for ${n * n} positions`);
  const sum = new Float64Array(crop * crop);
  const coverage = new Uint32Array(crop * crop);
  for (let iy = 0; iy < n; iy++) {
    const top = Math.max(0, origins[iy] - margin);
    const bottom = Math.min(crop, origins[iy] - margin + occluder);
    for (let ix = 0; ix < n; ix++) {
      const left = Math.max(0, origins[ix] - margin);
      const right = Math.min(crop, origins[ix] - margin + occluder);
      const c = changes[iy * n + ix];
      for (let y = top; y < bottom; y++) {
        for (let x = left; x < right; x++) {
          sum[y * crop + x] += c;
          coverage[y * crop + x] += 1;
        }
      }
    }
  }
  for (let i = 0; i < sum.length; i++) {
    // validateDiffusionSettings keeps stride ≤ occluder, so no crop pixel is uncovered.
    if (coverage[i] === 0) throw new Error(`pixel ${i} is covered by no occlusion (stride > occluder?)`);
    sum[i] /= coverage[i];
  }
  return { map: sum, coverage };
}

/** Attentive diffusion: 100 × (number of map values strictly above the map's mean) / (number of values). */
export function diffusionPercent(map: ArrayLike<number>): number {
  if (map.length === 0) throw new RangeError('empty map');
  let mean = 0;
  for (let i = 0; i < map.length; i++) mean += map[i];
  mean /= map.length;
  let above = 0;
  for (let i = 0; i < map.length; i++) if (map[i] > mean) above++;
  return (100 * above) / map.length;
}
