// The ViT on the CPU route (GemmVit) gives PyTorch's eval-mode features, and the same bits on any number of
// GEMM threads. References: the seeded random ViTs of scripts/fixtures/vit_features.py in each checkpoint
// layout (timm, DINOv2 with registers and interpolated positions, OpenAI CLIP with QuickGELU and the
// projection, torchvision), small inputs so the position embeddings are resampled.

import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { VitConfig } from '../../convert/vit-keys.ts';
import { createRng } from '../../core/rng.ts';
import type { ModelCard } from '../../core/types.ts';
import { loadAnyBackbone } from '../backbones.ts';
import { initBackend } from '../backend.ts';
import { GemmEngine } from '../gemm/gemm.ts';
import { convertCheckpoint } from '../model-format/convert-checkpoint.ts';
import { readLabModel } from '../model-format/read.ts';
import type { LabModel } from '../model-format/types.ts';
import { maxAbsDiff, torchMissingReason } from '../resnet/test-fixtures.ts';
import { randomVitTensors } from '../test-tiny-vit.ts';
import { uploadVitWeights } from '../vit/backbone.ts';
import { TfVit, type VitFeature } from '../vit/build.ts';
import { vitBackboneFromLabModel } from '../vit/load.ts';
import { type VitCase, vitReference } from '../vit/test-fixtures.ts';
import { setBackboneRoute } from './route.ts';
import { buildGemmVit } from './vit.ts';

const skipReason = torchMissingReason();
if (skipReason) console.warn(`\n!!! ${skipReason}\n`);

/** float32 products on both sides; 1e-4 of the feature scale leaves room for summation order only. */
const TOLERANCE = 1e-4;

async function convert(
  checkpoint: string,
  id: string,
): Promise<{ model: LabModel; norm: Norm; card: ModelCard; files: Map<string, Uint8Array> }> {
  const { card, files } = await convertCheckpoint(new Uint8Array(readFileSync(checkpoint)), { id });
  const model = await readLabModel(async (p) => {
    const f = files.get(p);
    if (!f) throw new Error(`no ${p}`);
    return f;
  });
  return { model, norm: { mean: card.mean, std: card.std }, card, files };
}

type Norm = { mean: [number, number, number] | null; std: [number, number, number] | null };

function configOf(model: LabModel) {
  if (model.json.format !== 'lab-vit') throw new Error('not a lab-vit model');
  return model.json.config;
}

async function features(
  engine: GemmEngine,
  model: LabModel,
  norm: Norm,
  feature: VitFeature,
  c: VitCase,
  pixels: Float32Array,
): Promise<Float32Array> {
  const net = await buildGemmVit(engine, configOf(model), feature, model.tensors.values());
  try {
    return await net.embed({ data: pixels, n: c.n, size: c.size }, norm);
  } finally {
    net.dispose();
  }
}

describe.skipIf(skipReason !== null).sequential('ViT on the CPU route', { timeout: 600_000 }, () => {
  let engine: GemmEngine;
  beforeAll(async () => {
    const e = await GemmEngine.create({ threads: 3 });
    if (!e) throw new Error('the wasm GEMM cannot start here');
    engine = e;
  });
  afterAll(() => engine?.dispose());

  async function checkParity(c: VitCase, wanted: VitFeature[]) {
    const ref = vitReference(c);
    const { model, norm } = await convert(ref.checkpoint, `cpu-route-${c.layout}-${c.variant}`);
    for (const feature of wanted) {
      const expected = feature === 'cls' ? ref.cls : feature === 'patch-mean' ? ref.mean : ref.proj;
      if (!expected) throw new Error(`the reference has no '${feature}' feature`);
      const ours = await features(engine, model, norm, feature, c, ref.pixels);
      const { diff, scale } = maxAbsDiff(ours, expected);
      console.log(
        `gemm ${c.layout} ${c.variant} n=${c.n} ${c.size}px ${feature}: max|diff| ${diff.toExponential(2)}, max|f| ${scale.toFixed(3)}, ratio ${(diff / scale).toExponential(2)}`,
      );
      expect(scale).toBeGreaterThan(0);
      expect(diff).toBeLessThanOrEqual(TOLERANCE * scale);
    }
  }

  it('timm ViT-S/16, 48 px (grid 14→3), cls and patch mean', async () => {
    await checkParity({ layout: 'timm', variant: 's16', n: 2, size: 48 }, ['cls', 'patch-mean']);
  });
  it('timm ViT-B/16, 64 px, cls and patch mean', async () => {
    await checkParity({ layout: 'timm', variant: 'b16', n: 2, size: 64 }, ['cls', 'patch-mean']);
  });
  it('DINOv2 ViT-S/14 + 4 registers, layer scale, 56 and 140 px (interpolated positions)', async () => {
    await checkParity({ layout: 'dinov2', variant: 's14reg', n: 2, size: 56 }, ['cls', 'patch-mean']);
    await checkParity({ layout: 'dinov2', variant: 's14reg', n: 1, size: 140 }, ['cls']);
  });
  it('CLIP ViT-S/16-sized, QuickGELU, ln_pre, all three features', async () => {
    await checkParity({ layout: 'clip', variant: 's16', n: 2, size: 48 }, ['cls', 'patch-mean', 'proj']);
  });
  it("torchvision's vit_s_16-sized, 48 px", async () => {
    await checkParity({ layout: 'torchvision', variant: 's16', n: 2, size: 48 }, ['cls', 'patch-mean']);
  });

  it('gives the same bits on 1 and 3 GEMM threads', async () => {
    const c: VitCase = { layout: 'dinov2', variant: 's14reg', n: 2, size: 56 };
    const ref = vitReference(c);
    const { model, norm } = await convert(ref.checkpoint, 'cpu-route-threads');
    const one = await GemmEngine.create({ threads: 1 });
    if (!one) throw new Error('the wasm GEMM cannot start here');
    try {
      for (const feature of ['cls', 'patch-mean'] as VitFeature[]) {
        const a = await features(one, model, norm, feature, c, ref.pixels);
        const b = await features(engine, model, norm, feature, c, ref.pixels);
        expect(engine.threads).toBe(3);
        expect(b).toEqual(a);
      }
    } finally {
      one.dispose();
    }
  });
});

/** Seeded random lab tensors for a config (PyTorch shapes converted by labTensor, as a checkpoint would be). */

describe.skipIf(skipReason !== null).sequential('which route a ViT takes', { timeout: 600_000 }, () => {
  afterAll(() => setBackboneRoute('auto'));

  it("'auto' on wasm runs the CPU route (the same bits as GemmVit), 'tfjs' the graph, both at parity", async () => {
    await initBackend('wasm');
    const c: VitCase = { layout: 'timm', variant: 's16', n: 2, size: 48 };
    const ref = vitReference(c);
    const { card, files, model, norm } = await convert(ref.checkpoint, 'cpu-route-routing');
    const engine = await GemmEngine.create({ threads: 2 });
    if (!engine) throw new Error('the wasm GEMM cannot start here');
    const direct = await features(engine, model, norm, 'cls', c, ref.pixels);
    engine.dispose();
    const read = async (p: string) => files.get(p) ?? new Uint8Array(0);
    const pixels = { data: ref.pixels, n: c.n, size: c.size };
    for (const route of ['auto', 'tfjs'] as const) {
      setBackboneRoute(route);
      const tensorsBefore = tf.memory().numTensors;
      const backbone = await loadAnyBackbone(card, read);
      // The CPU route uploads nothing to tfjs; the tfjs route uploads the weights.
      expect(tf.memory().numTensors > tensorsBefore).toBe(route === 'tfjs');
      const ours = await backbone.embed(pixels);
      backbone.dispose();
      if (route === 'auto') expect(ours).toEqual(direct);
      else expect(ours).not.toEqual(direct);
      const { diff, scale } = maxAbsDiff(ours, ref.cls);
      expect(diff).toBeLessThanOrEqual(TOLERANCE * scale);
      expect(tf.memory().numTensors).toBe(tensorsBefore);
    }
  });

  it('falls back to tfjs (and says so) where the network does not fit the route', async () => {
    await initBackend('cpu');
    setBackboneRoute('auto');
    // 12-wide tokens: qkv has 36 outputs, not a multiple of the kernel's 8 columns.
    const config: VitConfig = {
      layout: 'timm',
      patchSize: 4,
      width: 12,
      depth: 2,
      heads: 2,
      mlpWidth: 24,
      registers: 1,
      posGrid: 3,
      posPrefix: 2,
      patchBias: true,
      preNorm: true,
      layerScale: true,
      layerNormEps: 1e-6,
      activation: 'gelu',
      projection: null,
      posEmbedResample: 'timm',
    };
    const rng = createRng(11);
    const tensors = randomVitTensors(config, () => rng.nextFloat());
    const ref = vitReference({ layout: 'timm', variant: 's16', n: 2, size: 48 });
    const { card, model } = await convert(ref.checkpoint, 'cpu-route-fallback');
    const small = { json: { ...model.json, config }, tensors: new Map(tensors.map((t) => [t.name, t])) };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const pixels = {
      data: Float32Array.from({ length: 2 * 12 * 12 * 3 }, (_, i) => (i % 17) / 17),
      n: 2,
      size: 12,
    };
    const backbone = vitBackboneFromLabModel({ ...card, featureSize: 12 }, small as LabModel);
    try {
      const ours = await backbone.embed(pixels);
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(/CPU route cannot hold this network, tfjs runs it/),
      );
      const graph = new TfVit(config, uploadVitWeights(small.tensors), 'cls');
      const expected = tf.tidy(() =>
        graph.forward(tf.tensor4d(pixels.data, [2, 12, 12, 3]), card).dataSync(),
      );
      graph.dispose();
      expect(ours).toEqual(expected);
    } finally {
      backbone.dispose();
      warn.mockRestore();
    }
  });
});
