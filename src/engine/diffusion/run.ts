// Attentive diffusion over a Backbone: for each image, one forward pass unoccluded and one per occluder
// position, in batches (memory stays at batchSize occluded copies), then the pure map and summary.

import {
  centreCrop,
  type DiffusionSettings,
  diffusionPercent,
  isPaperSetting,
  meanWithInterval,
  type OcclusionGeometry,
  occlusionGeometry,
  PAPER_OCCLUDER,
  PAPER_STRIDE,
  positionOrigin,
  positionsPerImage,
  relativeChange,
  saliencyMap,
  validateDiffusionSettings,
  writeOccluded,
} from '../../core/diffusion/index.ts';
import type {
  DiffusionImageResult,
  DiffusionResult,
  DiffusionRunSettings,
} from '../../core/diffusion/result.ts';
import { progressTracker } from '../../core/progress.ts';
import { CancelledError, type CancelToken, type ProgressFn } from '../../core/types.ts';
import { nextMacrotask, yieldClock } from '../macrotask.ts';
import type { Backbone } from '../types.ts';

export type { DiffusionImageResult, DiffusionResult, DiffusionRunSettings };

/** One image prepared by diffusionInput: side×side×3 HWC floats in [0,1]. */
export interface DiffusionImage {
  key: string;
  pixels: Float32Array;
}

export interface DiffusionHooks {
  onProgress?: ProgressFn;
  cancel?: CancelToken;
  /** Clock for the ETA (tests drive it); Date.now by default. */
  now?: () => number;
}

/** The occluder colour in the [0,1] pixels a Backbone takes (it normalises inside). */
export function fillColour(
  settings: DiffusionSettings,
  mean: readonly number[] | null,
): [number, number, number] {
  if (settings.fill === 'black' || mean === null) return [0, 0, 0];
  return [mean[0], mean[1], mean[2]];
}

export function diffusionGeometry(backbone: Backbone, settings: DiffusionSettings): OcclusionGeometry {
  return occlusionGeometry(backbone.card.preprocessing.linear.crop, settings.occluder, settings.stride);
}

export async function runDiffusion(
  backbone: Backbone,
  images: readonly DiffusionImage[],
  settings: DiffusionSettings,
  hooks: DiffusionHooks = {},
): Promise<DiffusionResult> {
  validateDiffusionSettings(settings);
  if (images.length === 0) throw new RangeError('attentive diffusion needs at least one image');
  const g = diffusionGeometry(backbone, settings);
  const fillRgb = fillColour(settings, backbone.card.mean);
  const positions = positionsPerImage(g);
  const tracker = progressTracker('diffusion', images.length * (positions + 1), hooks.now);
  const perImage: DiffusionImageResult[] = [];
  for (const [i, image] of images.entries()) {
    const done = i * (positions + 1);
    const report = (n: number) => hooks.onProgress?.(tracker.update(done + n, image.key));
    const changes = await occlusionChanges(
      backbone,
      g,
      image,
      fillRgb,
      settings.batchSize,
      hooks.cancel,
      report,
    );
    const { map } = saliencyMap(g, changes);
    perImage.push({ key: image.key, map: Float32Array.from(map), diffusion: diffusionPercent(map) });
  }
  const { mean, ci95 } = meanWithInterval(perImage.map((p) => p.diffusion));
  return { perImage, mean, ci95, settings: runSettings(settings, g, fillRgb, images.length) };
}

/** ‖f − f_occ‖ / ‖f‖ for every occluder position of one image, in geometry order. */
async function occlusionChanges(
  backbone: Backbone,
  g: OcclusionGeometry,
  image: DiffusionImage,
  fill: [number, number, number],
  batchSize: number,
  cancel: CancelToken | undefined,
  report: (passesDone: number) => void,
): Promise<Float64Array> {
  const base = centreCrop(g, image.pixels);
  throwIfCancelled(cancel);
  const f = await backbone.embed({ data: base, n: 1, size: g.crop });
  report(1);
  const positions = positionsPerImage(g);
  const changes = new Float64Array(positions);
  const batch = new Float32Array(Math.min(batchSize, positions) * base.length);
  const yieldNow = yieldClock(YIELD_EVERY_MS);
  for (let start = 0; start < positions; start += batchSize) {
    // A CPU backend's embed resolves through microtasks only: without a real yield, a worker would never
    // read the cancel message that arrives while it runs (nor would anything else on its event loop).
    if (yieldNow.due()) await nextMacrotask();
    throwIfCancelled(cancel);
    const n = Math.min(batchSize, positions - start);
    for (let j = 0; j < n; j++) {
      const { x, y } = positionOrigin(g, start + j);
      writeOccluded(g, base, x, y, fill, batch, j * base.length);
    }
    const data = n * base.length === batch.length ? batch : batch.subarray(0, n * base.length);
    const feats = await backbone.embed({ data, n, size: g.crop });
    for (let j = 0; j < n; j++) changes[start + j] = relativeChange(f, feats, j);
    report(1 + start + n);
  }
  return changes;
}

const YIELD_EVERY_MS = 50;

function throwIfCancelled(cancel: CancelToken | undefined): void {
  if (cancel?.cancelled) throw new CancelledError();
}

function runSettings(
  s: DiffusionSettings,
  g: OcclusionGeometry,
  fillRgb: [number, number, number],
  imageCount: number,
): DiffusionRunSettings {
  const positions = positionsPerImage(g);
  return {
    ...s,
    crop: g.crop,
    side: g.side,
    positionsPerImage: positions,
    forwardPasses: imageCount * (positions + 1),
    fillRgb,
    paper: { occluder: PAPER_OCCLUDER, stride: PAPER_STRIDE, fill: 'normalised-zero' },
    isPaperSetting: isPaperSetting(s),
  };
}
