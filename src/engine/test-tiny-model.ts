// Test-only: a tiny seeded random-init ResNet in the lab's format (no Python needed), for pipeline tests.

import { expectedResNetKeys, type ResNetConfig } from '../convert/resnet-keys.ts';
import type { StateDict } from '../convert/types.ts';
import { createRng } from '../core/rng.ts';
import { protocolPreprocessing } from './model-format/card.ts';
import { labModelFromStateDict } from './model-format/from-state-dict.ts';
import type { ModelRef } from './types.ts';

const TINY: ResNetConfig = {
  block: 'basic',
  layers: [1, 1, 1, 1],
  stemWidth: 8,
  widths: [8, 8, 16, 16],
  expansion: 1,
};

/** A seeded random-init network (the tiny one by default), BN statistics included, so tests need no Python. */
export function randomStateDict(seed: number, config: ResNetConfig = TINY): StateDict {
  const rng = createRng(seed);
  const sd: StateDict = new Map();
  for (const [name, shape] of expectedResNetKeys(config)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    const fanIn = shape.length === 4 ? shape[1] * shape[2] * shape[3] : 1;
    for (let i = 0; i < size; i++) {
      const u = rng.nextFloat();
      if (name.endsWith('running_var')) data[i] = 0.5 + u;
      else if (name.endsWith('.weight') && shape.length === 1) data[i] = 0.8 + 0.4 * u;
      else if (shape.length === 1) data[i] = 0.2 * (u - 0.5);
      else data[i] = (2 * u - 1) * Math.sqrt(3 / fanIn);
    }
    sd.set(name, { shape, data, dtype: 'float32' });
  }
  return sd;
}

/** `edit` may spoil the weights (e.g. a NaN), as a broken checkpoint would. */
export async function tinyModel(edit?: (sd: StateDict) => void): Promise<ModelRef> {
  const sd = randomStateDict(1);
  edit?.(sd);
  const { files, card } = await labModelFromStateDict(sd, {
    id: 'tiny-random',
    name: 'Tiny random',
    architecture: 'resnet-tiny',
    family: 'random',
    inputSize: 32,
    preprocessing: protocolPreprocessing(32),
    mean: [0.5, 0.5, 0.5],
    std: [0.25, 0.25, 0.25],
    featureLayer: 'layer4.avgpool',
    source: 'test',
    licence: 'MIT',
    imagenetTop1: null,
    checkpointSha256: null,
  });
  return { card, read: async (path) => files.get(path)! };
}
