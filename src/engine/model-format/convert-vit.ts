// The one function through which `tlab models fetch` (and the checkpoint drop) converts a Vision Transformer
// checkpoint: the layout search finds the ViT wherever the release put it (the catalog's container and prefix
// pin it when known), and the result must be a ViT in the layout the catalog names.

import { UnsupportedCheckpointError } from '../../convert/errors.ts';
import { type ConvertOptions, type ConvertResult, convertCheckpoint } from './convert-checkpoint.ts';

export interface VitConvertOptions extends ConvertOptions {
  /** Key names of the checkpoint: 'timm' (DINO, DINOv2, MAE, DeiT), 'torchvision' or 'clip'. */
  layout: string;
  patchSize?: number;
}

export async function convertVitCheckpoint(
  bytes: Uint8Array,
  opts: VitConvertOptions,
): Promise<ConvertResult> {
  const { layout, patchSize: _p, ...rest } = opts;
  const result = await convertCheckpoint(bytes, { ...rest, profile: 'auto' });
  const { report } = result;
  if (report.kind !== 'vit' || report.naming !== layout) {
    throw new UnsupportedCheckpointError(
      `${opts.id}: the catalog names a ${layout}-layout Vision Transformer, the file holds a ` +
        `${report.architecture} (${report.naming} names)`,
    );
  }
  return result;
}
