// Attentive diffusion in the worker: sample the scanned dataset's images (seeded), then run each model over
// them. The registry will wrap runDiffusion; until then this is the worker's one entry to it.

import {
  centreCrop,
  occlusionGeometry,
  sampleImageKeys,
  validateDiffusionSettings,
} from '../core/diffusion/index.ts';
import type { DiffusionResult } from '../core/diffusion/result.ts';
import type { DiffusionSettings } from '../core/diffusion/settings.ts';
import type {
  DatasetListing,
  DatasetSource,
  InputIssue,
  ModelCard,
  Progress,
  RgbImage,
} from '../core/types.ts';
import { loadAnyBackbone } from '../engine/backbones.ts';
import { loadDiffusionImages } from '../engine/diffusion/images.ts';
import { runDiffusion } from '../engine/diffusion/run.ts';
import type { ModelFileReader } from '../engine/types.ts';
import { decodeImageBrowser } from '../platform/browser/decode.ts';

export interface DiffusionRequest {
  /** The scanned dataset (a handle from scanDemo / scanFolder). */
  datasetHandle: string;
  /** Chosen by the caller so `cancel(diffusionId)` can stop this run between batches. */
  diffusionId: string;
  modelIds: string[];
  settings: DiffusionSettings;
}

/** One model's result, with the model inputs (crop×crop RGB) the maps are drawn over. */
export interface DiffusionRun {
  modelId: string;
  modelName: string;
  result: DiffusionResult;
  crops: { key: string; image: RgbImage }[];
  issues: InputIssue[];
}

/** The crop the model saw, back to 8-bit RGB for display (inputs are k/255, so this is exact). */
function cropImage(pixels: Float32Array, card: ModelCard, s: DiffusionSettings): RgbImage {
  const g = occlusionGeometry(card.preprocessing.linear.crop, s.occluder, s.stride);
  const crop = centreCrop(g, pixels);
  return { data: Uint8Array.from(crop, (v) => Math.round(v * 255)), width: g.crop, height: g.crop };
}

export async function diffusionOfModels(
  dataset: { source: DatasetSource; listing: DatasetListing },
  request: DiffusionRequest,
  model: (id: string) => { card: ModelCard; read: ModelFileReader },
  onProgress: (p: Progress & { model?: string }) => void,
  cancel: { readonly cancelled: boolean },
): Promise<DiffusionRun[]> {
  validateDiffusionSettings(request.settings);
  const keys = sampleImageKeys(
    dataset.listing.items.map((it) => it.key),
    request.settings.images,
    request.settings.seed,
  );
  if (keys.length === 0) throw new Error(`The dataset '${dataset.listing.name}' has no images to occlude`);
  const runs: DiffusionRun[] = [];
  for (const id of request.modelIds) {
    const { card, read } = model(id);
    const { images, issues } = await loadDiffusionImages(
      dataset.source,
      keys,
      decodeImageBrowser,
      card,
      request.settings,
    );
    if (images.length === 0)
      throw new Error(`${card.name}: none of the ${keys.length} sampled images decoded`);
    const backbone = await loadAnyBackbone(card, read);
    try {
      const result = await runDiffusion(backbone, images, request.settings, {
        cancel,
        onProgress: (p) => onProgress({ ...p, stage: `${card.name}: attentive diffusion`, model: id }),
      });
      const crops = images.map((im) => ({
        key: im.key,
        image: cropImage(im.pixels, card, request.settings),
      }));
      runs.push({ modelId: id, modelName: card.name, result, crops, issues });
    } finally {
      backbone.dispose();
    }
  }
  return runs;
}
