// The point of the engine: our converted ResNet gives PyTorch's eval-mode features, on both routes: the CPU
// route (the lab's wasm GEMM, what 'auto' takes on the cpu and wasm backends) and the tfjs graph (GPU
// backends, and feature inversion everywhere).
// Reference features come from scripts/fixtures/torch_features.py (seeded random weights with randomised
// BatchNorm statistics so folding is really exercised, seeded random pixels).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendName, ModelCard } from '../../core/types.ts';
import { initBackend } from '../backend.ts';
import { type BackboneRoute, setBackboneRoute } from '../cpu-route/route.ts';
import { loadBackboneFromFiles } from '../load-backbone.ts';
import { FEATURE_LAYER, IMAGENET_MEAN, IMAGENET_STD, protocolPreprocessing } from '../model-format/card.ts';
import { labModelFromStateDict } from '../model-format/from-state-dict.ts';
import {
  ensureParityModel,
  type FeatureCase,
  maxAbsDiff,
  readSafetensorsF32,
  torchFeatures,
  torchMissingReason,
} from './test-fixtures.ts';

const skipReason = torchMissingReason();
if (skipReason) console.warn(`\n!!! ${skipReason}\n`);

/** WebGPU in Node (Dawn) on whatever adapter there is; on a CPU machine, Chromium's SwiftShader. */
const webgpuSkipReason = await nodeWebGpuMissingReason();
if (webgpuSkipReason) console.warn(`\n!!! WebGPU parity in Node skipped: ${webgpuSkipReason}\n`);

async function nodeWebGpuMissingReason(): Promise<string | null> {
  process.env.TLAB_WEBGPU_SOFTWARE = '1';
  try {
    const { installNodeWebGpu } = await import('../backend-node-webgpu.ts');
    await installNodeWebGpu({ allowSoftware: true });
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

interface Converted {
  card: ModelCard;
  files: Map<string, Uint8Array>;
}

async function convert(
  arch: string,
  dir: string,
  norm: FeatureCase['norm'],
  float16 = false,
): Promise<Converted> {
  const sd = readSafetensorsF32(readFileSync(join(dir, 'weights.safetensors')));
  const imagenet = norm === 'imagenet';
  return labModelFromStateDict(
    sd,
    {
      id: `parity-${arch}`,
      name: `parity ${arch}`,
      architecture: arch,
      family: 'random',
      inputSize: 224,
      preprocessing: protocolPreprocessing(224),
      mean: imagenet ? IMAGENET_MEAN : null,
      std: imagenet ? IMAGENET_STD : null,
      featureLayer: FEATURE_LAYER,
      source: 'scripts/fixtures/torch_features.py',
      licence: 'MIT',
      imagenetTop1: null,
      checkpointSha256: null,
    },
    { float16 },
  );
}

/** Runs our backbone on the reference pixels; checks pooled features (and the map) against PyTorch. */
async function checkParity(
  backend: BackendName,
  arch: string,
  c: FeatureCase,
  opts: { float16?: boolean; tolerance: number; checkMap?: boolean; route?: BackboneRoute },
): Promise<void> {
  const dir = ensureParityModel(arch);
  const ref = torchFeatures(arch, join(dir, 'weights.safetensors'), c);
  await initBackend(backend);
  const { card, files } = await convert(arch, dir, c.norm, opts.float16);
  const before = tf.memory().numTensors;
  setBackboneRoute(opts.route ?? 'auto');
  const backbone = await loadBackboneFromFiles(card, files);
  try {
    const batch = { data: ref.pixels, n: c.n, size: c.size };
    const ours = await backbone.embed(batch);
    const { diff, scale } = maxAbsDiff(ours, ref.features);
    console.log(
      `${arch} ${backend} (${opts.route ?? 'auto'} route) n=${c.n} ${c.size}px ${c.norm}${opts.float16 ? ' f16' : ''}: max|diff| ${diff.toExponential(2)}, max|f| ${scale.toFixed(3)}, ratio ${(diff / scale).toExponential(2)}`,
    );
    expect(ours.length).toBe(ref.features.length);
    expect(scale).toBeGreaterThan(0);
    expect(diff).toBeLessThanOrEqual(opts.tolerance * scale);
    if (opts.checkMap) {
      const map = await backbone.embedMap(batch);
      expect(map.shape).toEqual(ref.mapShape);
      const m = maxAbsDiff(map.data, ref.map);
      expect(m.diff).toBeLessThanOrEqual(opts.tolerance * m.scale);
    }
  } finally {
    backbone.dispose();
    setBackboneRoute('auto');
  }
  expect(tf.memory().numTensors).toBe(before);
}

describe.skipIf(skipReason !== null).sequential('converted ResNet matches PyTorch eval-mode features', () => {
  let tensorsAtStart = 0;
  beforeAll(async () => {
    await initBackend('cpu');
    tensorsAtStart = tf.memory().numTensors;
  });
  afterAll(() => {
    expect(tf.memory().numTensors).toBe(tensorsAtStart);
  });

  it('resnet18, cpu backend, 2 images at 64 px', async () => {
    await checkParity(
      'cpu',
      'resnet18',
      { n: 2, size: 64, norm: 'imagenet' },
      { tolerance: 1e-4, checkMap: true },
    );
  });

  it('resnet18, wasm backend, 2 images at 64 px, layer4 map too', async () => {
    await checkParity(
      'wasm',
      'resnet18',
      { n: 2, size: 64, norm: 'imagenet' },
      { tolerance: 1e-4, checkMap: true },
    );
  });

  it('resnet18, wasm, odd input size (61 px) keeps PyTorch padding arithmetic', async () => {
    await checkParity(
      'wasm',
      'resnet18',
      { n: 1, size: 61, norm: 'imagenet' },
      { tolerance: 1e-4, checkMap: true },
    );
  });

  it('resnet18, wasm, no normalisation (SimCLR-style [0,1] input)', async () => {
    await checkParity('wasm', 'resnet18', { n: 2, size: 48, norm: 'none' }, { tolerance: 1e-4 });
  });

  it('resnet18, wasm, float16 storage within 1e-2 relative', async () => {
    await checkParity(
      'wasm',
      'resnet18',
      { n: 2, size: 64, norm: 'imagenet' },
      { float16: true, tolerance: 1e-2 },
    );
  });

  // The Node WebGPU route (Dawn) runs the browser's WebGPU kernels: the GPU benchmark's correctness check.
  // A software adapter is slow, so the input is tiny; WGSL float32 arithmetic gives the same 1e-4 bound.
  it.skipIf(webgpuSkipReason !== null)('resnet18, webgpu in Node (Dawn), 1 image at 32 px', async () => {
    await checkParity(
      'webgpu',
      'resnet18',
      { n: 1, size: 32, norm: 'imagenet' },
      { tolerance: 1e-4, checkMap: true },
    );
  });

  it('resnet18, tfjs graph on the cpu backend, 2 images at 64 px, map too', async () => {
    const c = { n: 2, size: 64, norm: 'imagenet' } as const;
    await checkParity('cpu', 'resnet18', c, { tolerance: 1e-4, checkMap: true, route: 'tfjs' });
  });

  it('resnet18, tfjs graph on the wasm backend, odd size (61 px)', async () => {
    const c = { n: 1, size: 61, norm: 'imagenet' } as const;
    await checkParity('wasm', 'resnet18', c, { tolerance: 1e-4, checkMap: true, route: 'tfjs' });
  });

  it('resnet50, tfjs graph on the wasm backend, 1 image at 96 px', async () => {
    const c = { n: 1, size: 96, norm: 'imagenet' } as const;
    await checkParity('wasm', 'resnet50', c, { tolerance: 1e-4, route: 'tfjs' });
  });

  it('resnet50, cpu backend, 1 image at 64 px', async () => {
    await checkParity('cpu', 'resnet50', { n: 1, size: 64, norm: 'imagenet' }, { tolerance: 1e-4 });
  });

  it('resnet50, wasm backend, 2 images at 224 px', async () => {
    await checkParity(
      'wasm',
      'resnet50',
      { n: 2, size: 224, norm: 'imagenet' },
      { tolerance: 1e-4, checkMap: true },
    );
  });
});
