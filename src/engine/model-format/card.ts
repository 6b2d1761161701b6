// Card defaults that follow the reference protocol (protocol.md, "Pre-processing"), scaled to other sizes.

import type { Preprocessing } from '../../core/types.ts';

export const IMAGENET_MEAN: [number, number, number] = [0.485, 0.456, 0.406];
export const IMAGENET_STD: [number, number, number] = [0.229, 0.224, 0.225];

/**
 * Linear probe: shorter side → inputSize (bicubic), centre crop. Few-shot: squash to 257/224 of the input size
 * (bilinear), centre crop. At 224 this is exactly the paper's 224 / 257→224.
 */
export function protocolPreprocessing(inputSize: number): Preprocessing {
  return {
    linear: { mode: 'shorter-side', resize: inputSize, crop: inputSize, interpolation: 'bicubic' },
    fewshot: {
      mode: 'squash',
      resize: Math.round((inputSize * 257) / 224),
      crop: inputSize,
      interpolation: 'bilinear',
    },
  };
}

/** The pooled feature the paper uses. */
export const FEATURE_LAYER = 'layer4.avgpool';
