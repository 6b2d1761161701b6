// Dataset items → diffusion inputs, with the same decoder the rest of the lab uses. An image that fails to
// decode is reported by key and left out; it never stops the run.

import { occlusionGeometry } from '../../core/diffusion/geometry.ts';
import { diffusionInput } from '../../core/diffusion/input.ts';
import type { DiffusionSettings } from '../../core/diffusion/settings.ts';
import type { DatasetSource, ImageDecoder, InputIssue, ModelCard } from '../../core/types.ts';
import { DecodeError, issueFromDecodeError } from '../../platform/decode/errors.ts';
import type { DiffusionImage } from './run.ts';

export async function loadDiffusionImages(
  source: DatasetSource,
  keys: readonly string[],
  decode: ImageDecoder,
  card: ModelCard,
  settings: Pick<DiffusionSettings, 'occluder' | 'stride'>,
): Promise<{ images: DiffusionImage[]; issues: InputIssue[] }> {
  const rule = card.preprocessing.linear;
  const g = occlusionGeometry(rule.crop, settings.occluder, settings.stride);
  const images: DiffusionImage[] = [];
  const issues: InputIssue[] = [];
  for (const key of keys) {
    try {
      const img = await decode(await source.read(key), key);
      images.push({ key, pixels: diffusionInput(img, g, rule.interpolation) });
    } catch (err) {
      issues.push(
        err instanceof DecodeError
          ? issueFromDecodeError(err)
          : { key, action: 'skipped', reason: err instanceof Error ? err.message : String(err) },
      );
    }
  }
  return { images, issues };
}
