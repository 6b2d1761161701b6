// The one function through which `tlab models fetch` (and later the checkpoint drop) converts a Vision
// Transformer checkpoint. The ViT key mapping (src/convert/vit-*.ts) and builder (src/engine/vit/) come from
// the ViT work (issue 15 part 2); until they are wired here, a ViT entry is downloaded and verified, then
// refused with this message, never converted by the ResNet path.

import { UnsupportedCheckpointError } from '../../convert/errors.ts';
import type { ConvertOptions, ConvertResult } from './convert-checkpoint.ts';

export interface VitConvertOptions extends ConvertOptions {
  /** Key names of the checkpoint: 'timm' (DINO, DINOv2, MAE, DeiT), 'torchvision' or 'clip'. */
  layout: string;
  patchSize?: number;
}

export async function convertVitCheckpoint(
  _bytes: Uint8Array,
  opts: VitConvertOptions,
): Promise<ConvertResult> {
  // LEAD: call the ViT conversion here (layout search with the ViT matcher → ViT state dict → lab files).
  throw new UnsupportedCheckpointError(
    `${opts.id}: a Vision Transformer (${opts.layout} layout); this build has no ViT conversion wired ` +
      '(src/engine/model-format/convert-vit.ts)',
  );
}
