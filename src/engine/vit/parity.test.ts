// The point of the ViT engine: checkpoints in the timm, torchvision and CLIP layouts, converted by the lab,
// give PyTorch's eval-mode features on cpu and wasm. References: torchvision's own VisionTransformer, and
// modules written after timm's and OpenAI CLIP's in scripts/fixtures/vit_features.py (random-init, every
// parameter randomised). Small inputs make the position embeddings resample (14→2, 14→3, 14→4, 7→4, 7→10
// grids). The card's feature (class token) is checked on cpu and wasm; the other features on wasm (same graph).
// Cost: each model is converted once for its cpu and wasm checks, its fixtures come from one script call
// (building and randomising the PyTorch model is the costly part), and ViT-B/16 runs on tfjs's pure-JS cpu
// backend at 32 px (5 tokens; ~4× cheaper than 64 px, which its wasm check keeps).

import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendName, ModelCard } from '../../core/types.ts';
import { loadAnyBackbone } from '../backbones.ts';
import { initBackend } from '../backend.ts';
import { convertCheckpoint } from '../model-format/convert-checkpoint.ts';
import { readLabModel } from '../model-format/read.ts';
import type { LabModel } from '../model-format/types.ts';
import { maxAbsDiff, torchMissingReason } from '../resnet/test-fixtures.ts';
import type { VitFeature } from './build.ts';
import { vitBackboneFromLabModel } from './load.ts';
import { ensureVitFixtures, type VitCase, vitReference } from './test-fixtures.ts';

const skipReason = torchMissingReason();
if (skipReason) console.warn(`\n!!! ${skipReason}\n`);

/** float32 throughout on both sides; 1e-4 of the feature scale leaves room for summation order only. */
const TOLERANCE = 1e-4;
/** float16 storage rounds every weight to 11 significant bits (as for the ResNets: 1e-2). */
const FLOAT16_TOLERANCE = 1e-2;

const converted = new Map<string, { card: ModelCard; model: LabModel; files: Map<string, Uint8Array> }>();

async function convertOnce(c: VitCase, checkpoint: string, float16: boolean) {
  const key = `${c.layout}-${c.variant}${float16 ? '-f16' : ''}`;
  let hit = converted.get(key);
  if (!hit) {
    const { card, files } = await convertCheckpoint(new Uint8Array(readFileSync(checkpoint)), {
      id: `parity-${key}`,
      float16,
    });
    // Really stored as float16 (2 bytes a parameter) or float32.
    expect(card.sizes?.downloadBytes).toBe((float16 ? 2 : 4) * (card.sizes?.parameters ?? 0));
    const model = await readLabModel(async (p) => {
      const f = files.get(p);
      if (!f) throw new Error(`no ${p}`);
      return f;
    });
    hit = { card, model, files };
    converted.clear(); // one model in memory at a time (ViT-B is 86 M parameters)
    converted.set(key, hit);
  }
  return hit;
}

async function checkParity(
  backend: BackendName,
  c: VitCase,
  features: VitFeature[] = ['cls', 'patch-mean'],
  float16 = false,
) {
  const ref = vitReference(c);
  await initBackend(backend);
  const { card, model, files } = await convertOnce(c, ref.checkpoint, float16);
  const tolerance = float16 ? FLOAT16_TOLERANCE : TOLERANCE;
  for (const feature of features) {
    const expected = feature === 'cls' ? ref.cls : feature === 'patch-mean' ? ref.mean : ref.proj;
    if (!expected) throw new Error(`the reference has no '${feature}' feature`);
    const featureSize = expected.length / c.n;
    const before = tf.memory().numTensors;
    // The card's own feature goes through the real path (streamed shards, hash check); the others reuse
    // the weights already read, with the card's feature switched.
    const backbone =
      feature === card.featureLayer
        ? await loadAnyBackbone(card, async (p) => files.get(p) ?? new Uint8Array(0))
        : vitBackboneFromLabModel({ ...card, featureLayer: feature, featureSize }, model);
    try {
      const ours = await backbone.embed({ data: ref.pixels, n: c.n, size: c.size });
      const { diff, scale } = maxAbsDiff(ours, expected);
      console.log(
        `${c.layout} ${c.variant}${float16 ? ' f16' : ''} ${backend} n=${c.n} ${c.size}px ${feature}: max|diff| ${diff.toExponential(2)}, max|f| ${scale.toFixed(3)}, ratio ${(diff / scale).toExponential(2)}`,
      );
      expect(scale).toBeGreaterThan(0);
      expect(diff).toBeLessThanOrEqual(tolerance * scale);
    } finally {
      backbone.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  }
}

interface Step {
  backend: BackendName;
  c: VitCase;
  /** Features to compare (default cls and patch-mean). */
  features?: VitFeature[];
  float16?: boolean;
}

/** Makes the steps' fixtures in one script call per model (one model build), then checks each step in order. */
async function checkSteps(steps: Step[]): Promise<void> {
  ensureVitFixtures(steps.map((s) => s.c));
  for (const s of steps) await checkParity(s.backend, s.c, s.features, s.float16);
}

describe
  .skipIf(skipReason !== null)
  .sequential('tfjs ViT matches PyTorch eval-mode features', { timeout: 600_000 }, () => {
    let tensorsAtStart = 0;
    beforeAll(async () => {
      await initBackend('cpu');
      tensorsAtStart = tf.memory().numTensors;
    });
    afterAll(() => {
      expect(tf.memory().numTensors).toBe(tensorsAtStart);
    });

    describe('timm layout (DINO, MAE, DeiT names)', () => {
      it('ViT-S/16, 48 px (grid 14→3, antialiased), cpu and wasm', async () => {
        await checkSteps([
          { backend: 'cpu', c: { layout: 'timm', variant: 's16', n: 2, size: 48 }, features: ['cls'] },
          { backend: 'wasm', c: { layout: 'timm', variant: 's16', n: 2, size: 48 } },
        ]);
      });
      it('ViT-S/16 at its trained 224 px (no resampling), wasm', async () => {
        await checkSteps([
          { backend: 'wasm', c: { layout: 'timm', variant: 's16', n: 1, size: 224 }, features: ['cls'] },
        ]);
      });
      it('ViT-S/16, float16 storage, wasm, within 1e-2', async () => {
        await checkSteps([
          {
            backend: 'wasm',
            c: { layout: 'timm', variant: 's16', n: 2, size: 48 },
            features: ['cls'],
            float16: true,
          },
        ]);
      });
      it('ViT-B/16, cpu at 32 px (grid 14→2), wasm at 64 px (14→4)', async () => {
        await checkSteps([
          { backend: 'cpu', c: { layout: 'timm', variant: 'b16', n: 1, size: 32 }, features: ['cls'] },
          { backend: 'wasm', c: { layout: 'timm', variant: 'b16', n: 2, size: 64 } },
        ]);
      });
      it('ViT-S/14 + 4 registers, timm names (reg_token, no_embed_class), 56 px (grid 7→4), cpu and wasm', async () => {
        await checkSteps([
          { backend: 'cpu', c: { layout: 'timm', variant: 's14reg', n: 2, size: 56 }, features: ['cls'] },
          { backend: 'wasm', c: { layout: 'timm', variant: 's14reg', n: 2, size: 56 } },
        ]);
      });
      it("ViT-S/14 + 4 registers, DINOv2's own names and interpolation, 56 and 140 px, cpu and wasm", async () => {
        await checkSteps([
          { backend: 'cpu', c: { layout: 'dinov2', variant: 's14reg', n: 2, size: 56 }, features: ['cls'] },
          { backend: 'wasm', c: { layout: 'dinov2', variant: 's14reg', n: 2, size: 56 } },
          { backend: 'wasm', c: { layout: 'dinov2', variant: 's14reg', n: 1, size: 140 } },
        ]);
      });
    });

    describe("torchvision's VisionTransformer", () => {
      it('vit_s_16-sized, 48 px (interpolate_embeddings 14→3), cpu and wasm', async () => {
        await checkSteps([
          { backend: 'cpu', c: { layout: 'torchvision', variant: 's16', n: 2, size: 48 }, features: ['cls'] },
          { backend: 'wasm', c: { layout: 'torchvision', variant: 's16', n: 2, size: 48 } },
        ]);
      });
      it('vit_b_16, cpu at 32 px (grid 14→2), wasm at 64 px (14→4)', async () => {
        await checkSteps([
          { backend: 'cpu', c: { layout: 'torchvision', variant: 'b16', n: 1, size: 32 }, features: ['cls'] },
          { backend: 'wasm', c: { layout: 'torchvision', variant: 'b16', n: 2, size: 64 } },
        ]);
      });
      it('patch 14 (no registers in this layout), 56 and 140 px, cpu and wasm', async () => {
        await checkSteps([
          {
            backend: 'cpu',
            c: { layout: 'torchvision', variant: 's14reg', n: 2, size: 56 },
            features: ['cls'],
          },
          { backend: 'wasm', c: { layout: 'torchvision', variant: 's14reg', n: 2, size: 56 } },
          { backend: 'wasm', c: { layout: 'torchvision', variant: 's14reg', n: 1, size: 140 } },
        ]);
      });
    });

    describe("OpenAI CLIP's visual tower (in a full CLIP state dict)", () => {
      const all: VitFeature[] = ['cls', 'patch-mean', 'proj'];
      it('ViT-S/16-sized, 48 px, cpu and wasm, with the projection', async () => {
        await checkSteps([
          { backend: 'cpu', c: { layout: 'clip', variant: 's16', n: 2, size: 48 }, features: ['cls'] },
          { backend: 'wasm', c: { layout: 'clip', variant: 's16', n: 2, size: 48 }, features: all },
        ]);
      });
      it('ViT-B/16, cpu at 32 px (grid 14→2), wasm at 64 px (14→4)', async () => {
        await checkSteps([
          { backend: 'cpu', c: { layout: 'clip', variant: 'b16', n: 1, size: 32 }, features: ['cls'] },
          { backend: 'wasm', c: { layout: 'clip', variant: 'b16', n: 2, size: 64 }, features: all },
        ]);
      });
      it('patch 14 (no registers in this layout), 56 px, cpu and wasm', async () => {
        await checkSteps([
          { backend: 'cpu', c: { layout: 'clip', variant: 's14reg', n: 2, size: 56 }, features: ['cls'] },
          { backend: 'wasm', c: { layout: 'clip', variant: 's14reg', n: 2, size: 56 }, features: all },
        ]);
      });
    });
  });
