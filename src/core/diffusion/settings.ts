// Attentive diffusion (paper §4.9) settings: the paper's occluder, the stride that makes it affordable, and
// where the occluder's "value 0" lives. Pure data and validation; no tfjs.

/**
 * What the occluder writes into the image.
 * - 'normalised-zero': 0 after the model's mean/std normalisation, i.e. the normalisation mean colour in [0,1]
 *   pixels (black for models without normalisation). The reference code (linear.py of ssl-transfer) holds
 *   images as normalised tensors (ToTensor then Normalize), so an occluder "of value 0" written into such a
 *   tensor is this. The paper published no diffusion code; this is the reading that fits its pipeline.
 * - 'black': 0 in [0,1] pixels, before normalisation.
 */
export type OccluderFill = 'normalised-zero' | 'black';

export interface DiffusionSettings {
  /** Side of the square occluder in pixels (paper: 10). */
  occluder: number;
  /** Step between occluder positions in pixels (paper: 1, about 54,000 forward passes per 224 image). */
  stride: number;
  fill: OccluderFill;
  /** Images sampled (seeded) from the dataset per model (paper: not stated; 20 here). */
  images: number;
  seed: number;
  /** Occluded copies per forward batch: bounds memory to batch × crop² × 3 floats. */
  batchSize: number;
}

export const PAPER_OCCLUDER = 10;
export const PAPER_STRIDE = 1;

/**
 * Stride 2 = a quarter of the paper's forward passes. Measured (BENCHMARKS.md, "Attentive diffusion"): the four
 * zoo models × 20 images take about a minute on the 2-core CPU (stride 1: about 2.5 minutes), and every model's
 * mean stays within 0.3 points of its stride-1 value, far inside the ±2-point intervals. The paper's stride 1
 * is one option away (`--stride 1`, the panel's "Paper setting", paperDiffusion()).
 */
export const DEFAULT_STRIDE = 2;

export const DEFAULT_DIFFUSION_SETTINGS: DiffusionSettings = {
  occluder: PAPER_OCCLUDER,
  stride: DEFAULT_STRIDE,
  fill: 'normalised-zero',
  images: 20,
  seed: 0,
  batchSize: 32,
};

/** The paper's setting: the same settings with stride 1. */
export function paperDiffusion(s: DiffusionSettings = DEFAULT_DIFFUSION_SETTINGS): DiffusionSettings {
  return { ...s, occluder: PAPER_OCCLUDER, stride: PAPER_STRIDE };
}

export function isPaperSetting(s: Pick<DiffusionSettings, 'occluder' | 'stride' | 'fill'>): boolean {
  return s.occluder === PAPER_OCCLUDER && s.stride === PAPER_STRIDE && s.fill === 'normalised-zero';
}

export class DiffusionSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiffusionSettingsError';
  }
}

const MAX_OCCLUDER = 64;

/** Throws DiffusionSettingsError naming the first setting that cannot be run. */
export function validateDiffusionSettings(s: DiffusionSettings): void {
  const int = (v: number, name: string, lo: number, hi: number) => {
    if (!Number.isInteger(v) || v < lo || v > hi)
      throw new DiffusionSettingsError(`${name} must be an integer in [${lo}, ${hi}], got ${v}`);
  };
  int(s.occluder, 'occluder', 1, MAX_OCCLUDER);
  // A stride above the occluder's side would leave pixels no occlusion covers: their map value is undefined.
  int(s.stride, 'stride', 1, s.occluder);
  int(s.images, 'images', 1, 100_000);
  int(s.seed, 'seed', 0, 2 ** 32 - 1);
  int(s.batchSize, 'batchSize', 1, 1024);
  if (s.fill !== 'normalised-zero' && s.fill !== 'black')
    throw new DiffusionSettingsError(`fill must be 'normalised-zero' or 'black', got '${String(s.fill)}'`);
}
