// Seeded random ResNet-50 in the lab format, for benchmarks: speed does not depend on the weight values,
// but the model goes through the real fold → lab format → loadBackbone path.

import { expectedResNetKeys, NAMED_RESNETS } from '../../src/convert/resnet-keys.ts';
import type { StateDict } from '../../src/convert/types.ts';
import type { ModelCard } from '../../src/core/types.ts';
import {
  FEATURE_LAYER,
  IMAGENET_MEAN,
  IMAGENET_STD,
  protocolPreprocessing,
} from '../../src/engine/model-format/card.ts';
import { labModelFromStateDict } from '../../src/engine/model-format/from-state-dict.ts';

export const SIZE = 224;

export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** He-style conv weights, BatchNorm γ in [0.5, 0.6), β small, running var in [0.5, 1.5). */
function randomResNet50(): StateDict {
  const rand = lcg(1);
  const sd: StateDict = new Map();
  for (const [key, shape] of expectedResNetKeys(NAMED_RESNETS.resnet50)) {
    const n = shape.reduce((a, b) => a * b, 1);
    let value: () => number;
    if (shape.length === 4) {
      const he = Math.sqrt(2 / (shape[1] * shape[2] * shape[3]));
      value = () => he * (2 * rand() - 1);
    } else if (key.endsWith('running_var')) value = () => 0.5 + rand();
    else if (key.endsWith('.weight')) value = () => 0.5 + 0.1 * rand();
    else value = () => 0.1 * (2 * rand() - 1);
    sd.set(key, { shape, data: Float32Array.from({ length: n }, value), dtype: 'float32' });
  }
  return sd;
}

export async function randomResNet50Files(): Promise<{ card: ModelCard; files: Map<string, Uint8Array> }> {
  return labModelFromStateDict(randomResNet50(), {
    id: 'bench-r50',
    name: 'bench ResNet-50 (random)',
    architecture: 'resnet50',
    family: 'random',
    inputSize: SIZE,
    preprocessing: protocolPreprocessing(SIZE),
    mean: IMAGENET_MEAN,
    std: IMAGENET_STD,
    featureLayer: FEATURE_LAYER,
    source: 'bench/embed/random-resnet.ts',
    licence: 'MIT',
    imagenetTop1: null,
    checkpointSha256: null,
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export interface EmbedTimer {
  /** Seconds of the first (warm-up) batch: kernel setup, allocations. */
  first: number;
  checksum: number;
  /** Seconds per batch for `rounds` more batches of the same pixels, read-back included. */
  time: (rounds: number) => Promise<number[]>;
}

/** Runs one warm-up batch and returns a timer for more. */
export async function embedTimer(
  embed: (p: { data: Float32Array; n: number; size: number }) => Promise<Float32Array>,
  batch: number,
): Promise<EmbedTimer> {
  const rand = lcg(2);
  const pixels = { data: Float32Array.from({ length: batch * SIZE * SIZE * 3 }, rand), n: batch, size: SIZE };
  const t0 = performance.now();
  const features = await embed(pixels);
  const first = (performance.now() - t0) / 1000;
  const time = async (rounds: number) => {
    const times: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const t = performance.now();
      await embed(pixels);
      times.push((performance.now() - t) / 1000);
    }
    return times;
  };
  return { first, checksum: features[0] + features[features.length - 1], time };
}
