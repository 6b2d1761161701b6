// Test-only: a tiny seeded random ResNet in the lab's model format (32×32 input, narrow widths) and a
// colourful test picture, so colour and inversion tests run in seconds on the CPU.

import { expectedResNetKeys } from '../../convert/resnet-keys.ts';
import type { StateDict } from '../../convert/types.ts';
import { createRng } from '../../core/rng.ts';
import type { ModelCard, RgbImage } from '../../core/types.ts';
import { FEATURE_LAYER, IMAGENET_MEAN, IMAGENET_STD, protocolPreprocessing } from '../model-format/card.ts';
import { labModelFromStateDict } from '../model-format/from-state-dict.ts';
import { readLabModel } from '../model-format/read.ts';
import type { LabModel } from '../model-format/types.ts';
import type { ResNetConfig } from '../resnet/config.ts';

export const TINY_SIZE = 32;
const CONFIG: ResNetConfig = {
  block: 'basic',
  layers: [1, 1, 1, 1],
  stemWidth: 8,
  widths: [8, 16, 16, 32],
  expansion: 1,
};

/** Seeded He-normal convs and mildly random BatchNorm statistics, torchvision names. */
function randomStateDict(seed: number): StateDict {
  const rng = createRng(seed);
  const normal = () =>
    Math.sqrt(-2 * Math.log(1 - rng.nextFloat())) * Math.cos(2 * Math.PI * rng.nextFloat());
  const sd: StateDict = new Map();
  for (const [key, shape] of expectedResNetKeys(CONFIG)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const fanIn = shape.length === 4 ? shape[1] * shape[2] * shape[3] : 1;
    const value = (): number => {
      if (key.endsWith('running_var')) return 0.5 + rng.nextFloat();
      if (key.endsWith('running_mean') || key.endsWith('bias')) return 0.1 * normal();
      if (shape.length === 1) return 1 + 0.1 * normal(); // BN weight
      return normal() * Math.sqrt(2 / fanIn);
    };
    sd.set(key, { shape, data: Float32Array.from({ length: size }, value), dtype: 'float32' });
  }
  return sd;
}

/** A colourful test picture: red-green ramps with a blue disc. */
export function testImage(): RgbImage {
  const data = new Uint8Array(TINY_SIZE * TINY_SIZE * 3);
  for (let y = 0; y < TINY_SIZE; y++) {
    for (let x = 0; x < TINY_SIZE; x++) {
      const p = (y * TINY_SIZE + x) * 3;
      const inDisc = (x - 20) ** 2 + (y - 12) ** 2 < 64;
      data[p] = Math.round((255 * x) / (TINY_SIZE - 1));
      data[p + 1] = Math.round((255 * y) / (TINY_SIZE - 1));
      data[p + 2] = inDisc ? 230 : 30;
    }
  }
  return { data, width: TINY_SIZE, height: TINY_SIZE };
}

export async function tinyModel(): Promise<{
  card: ModelCard;
  model: LabModel;
  files: Map<string, Uint8Array>;
}> {
  const { files, card } = await labModelFromStateDict(randomStateDict(1), {
    id: 'tiny-random',
    name: 'Tiny random',
    architecture: 'resnet-tiny',
    family: 'random',
    inputSize: TINY_SIZE,
    preprocessing: protocolPreprocessing(TINY_SIZE),
    mean: IMAGENET_MEAN,
    std: IMAGENET_STD,
    featureLayer: FEATURE_LAYER,
    source: 'inversion.test.ts',
    licence: 'MIT',
    imagenetTop1: null,
    checkpointSha256: null,
  });
  const model: LabModel = await readLabModel(async (p) => files.get(p)!);
  return { card, model, files };
}
