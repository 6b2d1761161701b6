// Test-only: a tiny seeded random-init ViT in the lab's format (no Python), for pipeline tests: 32-px input,
// patch 8 (16 tokens + the class token), width 32, depth 2, 2 heads; through the real lab-vit writer and loader.

import { type VitConfig, vitParamNames, vitTorchShape } from '../convert/vit-keys.ts';
import { createRng } from '../core/rng.ts';
import { IMAGENET_MEAN, IMAGENET_STD, protocolPreprocessing } from './model-format/card.ts';
import type { NamedTensor } from './resnet/fold.ts';
import type { ModelRef } from './types.ts';
import { labTensor, writeVitModel } from './vit/convert.ts';

const SIZE = 32;
const TINY_VIT: VitConfig = {
  layout: 'timm',
  patchSize: 8,
  width: 32,
  depth: 2,
  heads: 2,
  mlpWidth: 64,
  registers: 0,
  posGrid: SIZE / 8,
  posPrefix: 1,
  patchBias: true,
  preNorm: false,
  layerScale: false,
  layerNormEps: 1e-6,
  activation: 'gelu',
  projection: null,
  posEmbedResample: 'timm',
};

/**
 * Seeded random lab tensors for a ViT config: weights uniform in ±1/√fan-in, norm scales around 1, other
 * vectors ±0.1; `uniform` draws from [0, 1). For tests and benchmarks (their values never matter, only that
 * both sides of a comparison get the same ones).
 */
export function randomVitTensors(c: VitConfig, uniform: () => number): NamedTensor[] {
  return vitParamNames(c).map((name) => {
    const shape = vitTorchShape(name, c);
    const n = shape.reduce((a, b) => a * b, 1);
    const scale = shape.length > 1 ? 1 / Math.sqrt(shape[1]) : 0.1;
    const base = /norm\d?\.weight$/.test(name) ? 1 : 0;
    return labTensor(
      name,
      shape,
      Float32Array.from({ length: n }, () => base + scale * (2 * uniform() - 1)),
    );
  });
}

export async function tinyVit(seed = 1): Promise<ModelRef> {
  const rng = createRng(seed);
  const tensors = randomVitTensors(TINY_VIT, () => rng.nextFloat());
  const { card, files } = await writeVitModel(tensors, TINY_VIT, 'cls', {
    id: 'test-tiny-vit',
    name: 'test tiny ViT (random)',
    architecture: 'vit-w32-d2-p8',
    family: 'random',
    inputSize: SIZE,
    preprocessing: protocolPreprocessing(SIZE),
    mean: IMAGENET_MEAN,
    std: IMAGENET_STD,
    featureLayer: 'cls',
    source: 'src/engine/test-tiny-vit.ts',
    licence: 'MIT',
    imagenetTop1: null,
    checkpointSha256: null,
  });
  return {
    card,
    read: async (path) => {
      const bytes = files.get(path);
      if (!bytes) throw new Error(`no file ${path} in the tiny ViT`);
      return bytes;
    },
  };
}
