// What an attentive-diffusion run returns: plain data the registry wraps, the CLI writes and the view draws.

import type { DiffusionSettings } from './settings.ts';

/** What was run, stated with the result (the stride most of all: it is not the paper's by default). */
export interface DiffusionRunSettings extends DiffusionSettings {
  /** The model's input side: the map's side. */
  crop: number;
  /** The side images were resized and cropped to before occluding (crop + 2·(occluder − 1)). */
  side: number;
  positionsPerImage: number;
  forwardPasses: number;
  /** The occluder colour in [0,1] pixels that `fill` meant for this model. */
  fillRgb: [number, number, number];
  paper: { occluder: number; stride: number; fill: 'normalised-zero' };
  isPaperSetting: boolean;
}

export interface DiffusionImageResult {
  key: string;
  /** crop×crop saliency map, row-major: mean relative feature change of the occlusions covering each pixel. */
  map: Float32Array;
  /** % of map values above the map's mean. */
  diffusion: number;
}

export interface DiffusionResult {
  perImage: DiffusionImageResult[];
  /** Mean diffusion (%) over the images. */
  mean: number;
  /** Half-width of the 95% interval of the mean (Student t over images); null for one image. */
  ci95: number | null;
  settings: DiffusionRunSettings;
}

/** The same with maps as number arrays, for JSON (a Float32Array would serialise as an object). */
export interface DiffusionResultJson extends Omit<DiffusionResult, 'perImage'> {
  perImage: { key: string; map: number[]; diffusion: number }[];
}

export function diffusionResultToJson(r: DiffusionResult): DiffusionResultJson {
  return {
    ...r,
    perImage: r.perImage.map((p) => ({ key: p.key, diffusion: p.diffusion, map: Array.from(p.map) })),
  };
}

export function diffusionResultFromJson(j: DiffusionResultJson): DiffusionResult {
  return { ...j, perImage: j.perImage.map((p) => ({ ...p, map: Float32Array.from(p.map) })) };
}

/** "45.2 ± 2.1 %" or "45.2 % (one image: no interval)". */
export function formatDiffusion(r: Pick<DiffusionResult, 'mean' | 'ci95'>): string {
  return r.ci95 === null
    ? `${r.mean.toFixed(1)} % (one image: no interval)`
    : `${r.mean.toFixed(1)} ± ${r.ci95.toFixed(1)} %`;
}

/** One line that says which setting produced the numbers, and how far it is from the paper's. */
export function describeSetting(s: DiffusionRunSettings): string {
  const what = `${s.occluder}×${s.occluder} occluder, stride ${s.stride}, value 0 ${s.fill === 'normalised-zero' ? 'after' : 'before'} normalisation, ${s.side}→${s.crop} px, ${s.positionsPerImage.toLocaleString('en-US')} occlusions per image`;
  return s.isPaperSetting
    ? `${what} (the paper's setting)`
    : `${what} (the paper: ${s.paper.occluder}×${s.paper.occluder}, stride ${s.paper.stride}, value 0 after normalisation)`;
}
