// The settings of an evaluation run. Each probe's part and its defaults live in the probe's descriptor
// (descriptors/*.ts); DEFAULT_SETTINGS is assembled from the registry, so the UI, CLI and pipeline share it.

import type { DiffusionSettings } from '../diffusion/settings.ts';

export interface FewShotRequest {
  ways: number;
  shots: number[];
  queries: number;
  episodes: number;
}

export interface KnnRequest {
  /** Neighbour counts of the curve (DINO: 10, 20, 100, 200); each is capped at the train size. */
  k: number[];
  /** Temperature of the exp(sim / T) vote weights (DINO: 0.07). */
  temperature: number;
}

export interface InversionRequest {
  steps: number;
  learningRate?: number;
  imageKey?: string;
  /** Smaller Deep Image Prior generators for quick checks (default: the paper-like DEFAULT_GENERATOR). */
  generator?: { channels?: number; depth?: number; noiseChannels?: number; skipChannels?: number };
}

export interface EvalSettings {
  seed: number;
  linearMode: 'paper' | 'converged';
  /** Linear-probe metric; mean per-class is the protocol's choice for class-imbalanced sets. */
  metric?: 'top1' | 'mean-per-class';
  fewshot: FewShotRequest;
  /** kNN probe settings (absent: the DINO defaults). */
  knn?: KnnRequest;
  /**
   * With the colour probe: invert one test image per model (lab-format ResNets only) through layer4 with a
   * Deep Image Prior. Absent or steps 0: no inversion (it is slow at full size: 3,000 steps in the paper).
   */
  inversion?: InversionRequest;
  /** Attentive-diffusion settings (absent: DEFAULT_DIFFUSION_SETTINGS; the sample's seed is always `seed`). */
  diffusion?: Partial<Omit<DiffusionSettings, 'seed'>>;
}

/** A setting that cannot be used; the message names the setting and says what is allowed. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** A positive integer from CLI or form text, or a SettingsError naming the setting. */
export function positiveInteger(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new SettingsError(`${what} must be a positive integer, not '${text}'`);
  return n;
}

export function positiveIntegerList(text: string, what: string): number[] {
  const list = text.split(',').filter((s) => s.trim() !== '');
  if (list.length === 0) throw new SettingsError(`${what} needs at least one value`);
  return list.map((s) => positiveInteger(s.trim(), what));
}
