// What a ViT card says beyond the weights: the feature it emits and each family's own preprocessing.
// The default card preprocessing stays the paper's protocol (resize shorter side 224 bicubic + centre crop,
// ImageNet mean/std) so backbones are compared on the same inputs; the family's protocol rides along in
// card.familyProtocol, and `tlab convert --preprocessing family` makes it the card's own.

import type { VitLayout } from '../../convert/vit-keys.ts';
import type { FamilyProtocol, Preprocessing } from '../../core/types.ts';
import { IMAGENET_MEAN, IMAGENET_STD, protocolPreprocessing } from '../model-format/card.ts';

/** OpenAI CLIP's normalisation (clip/clip.py, _transform). */
export const CLIP_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
export const CLIP_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];

function resizeCrop(resize: number, crop: number, interpolation: 'bicubic' | 'bilinear'): Preprocessing {
  return {
    linear: { mode: 'shorter-side', resize, crop, interpolation },
    fewshot: protocolPreprocessing(crop).fewshot,
  };
}

/** The protocol each family published for evaluation at 224 px. */
export function familyProtocol(family: string, layout: VitLayout): FamilyProtocol {
  const f = family.toLowerCase();
  if (layout === 'clip' || f.startsWith('clip')) {
    // clip.py: Resize(224, BICUBIC), CenterCrop(224), CLIP's mean/std.
    return {
      preprocessing: resizeCrop(224, 224, 'bicubic'),
      mean: CLIP_MEAN,
      std: CLIP_STD,
      source: "OpenAI CLIP's _transform",
    };
  }
  if (layout === 'torchvision') {
    // torchvision ViT_B_16_Weights.IMAGENET1K_V1: resize 256 bilinear, crop 224.
    return {
      preprocessing: resizeCrop(256, 224, 'bilinear'),
      mean: IMAGENET_MEAN,
      std: IMAGENET_STD,
      source: "torchvision's ImageClassification transform (resize 256 bilinear, crop 224)",
    };
  }
  // DINO, DINOv2, MAE and DeiT all evaluate with resize 256 bicubic (crop_pct 0.875), crop 224, ImageNet mean/std.
  return {
    preprocessing: resizeCrop(256, 224, 'bicubic'),
    mean: IMAGENET_MEAN,
    std: IMAGENET_STD,
    source: 'DINO/DINOv2/MAE/DeiT evaluation transform (resize 256 bicubic, crop 224)',
  };
}
