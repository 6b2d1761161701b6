// Seeded random ViT-B/16 in the lab format, for benchmarks: speed does not depend on the weight values, but
// the model goes through the real lab tensors → lab-vit files → streamed loader path.

import type { VitConfig } from '../../src/convert/vit-keys.ts';
import type { ModelCard } from '../../src/core/types.ts';
import { IMAGENET_MEAN, IMAGENET_STD, protocolPreprocessing } from '../../src/engine/model-format/card.ts';
import { randomVitTensors } from '../../src/engine/test-tiny-vit.ts';
import { writeVitModel } from '../../src/engine/vit/convert.ts';
import { lcg, SIZE } from './random-resnet.ts';

export const VIT_B_16: VitConfig = {
  layout: 'torchvision',
  patchSize: 16,
  width: 768,
  depth: 12,
  heads: 12,
  mlpWidth: 3072,
  registers: 0,
  posGrid: 14,
  posPrefix: 1,
  patchBias: true,
  preNorm: false,
  layerScale: false,
  layerNormEps: 1e-6,
  activation: 'gelu',
  projection: null,
  posEmbedResample: 'torchvision',
};

export async function randomVitB16Files(): Promise<{ card: ModelCard; files: Map<string, Uint8Array> }> {
  const rand = lcg(1);
  const tensors = randomVitTensors(VIT_B_16, rand);
  return writeVitModel(tensors, VIT_B_16, 'cls', {
    id: 'bench-vit-b16',
    name: 'bench ViT-B/16 (random)',
    architecture: 'vit_b_16',
    family: 'random',
    inputSize: SIZE,
    preprocessing: protocolPreprocessing(SIZE),
    mean: IMAGENET_MEAN,
    std: IMAGENET_STD,
    featureLayer: 'cls',
    source: 'bench/embed/random-vit.ts',
    licence: 'MIT',
    imagenetTop1: null,
    checkpointSha256: null,
  });
}
