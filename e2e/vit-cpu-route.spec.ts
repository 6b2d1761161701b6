// The ViT on the CPU route gives the same bits in Chromium as in Node (docs/determinism.md): a DINOv2-style ViT
// with registers, layer scale and interpolated positions (the fixture of src/engine/cpu-route/vit.test.ts) is
// converted in the browser worker and embedded there on wasm, which takes the CPU route; this test process
// computes the same features in Node with GemmVit on one GEMM thread (the browser runs all its cores: the
// thread count changes no bit). Exact equality, and PyTorch parity on both sides.

import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { buildGemmVit } from '../src/engine/cpu-route/vit.ts';
import { GemmEngine } from '../src/engine/gemm/gemm.ts';
import { convertCheckpoint } from '../src/engine/model-format/convert-checkpoint.ts';
import { readLabModel } from '../src/engine/model-format/read.ts';
import { maxAbsDiff } from '../src/engine/resnet/test-fixtures.ts';
import { type VitCase, vitReference } from '../src/engine/vit/test-fixtures.ts';
import { collectErrors } from './helpers.ts';
import { convertInPage, embedInPage, openLab, parityPythonMissing, setBackend } from './parity-helpers.ts';

const missing = parityPythonMissing();

async function nodeFeatures(checkpoint: string, c: VitCase, pixels: Float32Array, norm: Norm) {
  const { files } = await convertCheckpoint(new Uint8Array(readFileSync(checkpoint)), { id: 'node-side' });
  const model = await readLabModel(async (p) => files.get(p) ?? new Uint8Array(0));
  if (model.json.format !== 'lab-vit') throw new Error('not a lab-vit model');
  const engine = await GemmEngine.create({ threads: 1 });
  if (!engine) throw new Error('the wasm GEMM cannot start in Node');
  const net = await buildGemmVit(engine, model.json.config, 'cls', model.tensors.values());
  try {
    return await net.embed({ data: pixels, n: c.n, size: c.size }, norm);
  } finally {
    net.dispose();
    engine.dispose();
  }
}

type Norm = { mean: [number, number, number] | null; std: [number, number, number] | null };

test('a ViT on the CPU route: the same features in Chromium and in Node, bit for bit', async ({ page }) => {
  test.skip(missing !== null, `needs Debian python3 with torch: ${missing}`);
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  const boot = await openLab(page);
  const backend = boot.name === 'wasm' ? boot : await setBackend(page, 'wasm');
  expect(backend.name).toBe('wasm');
  const c: VitCase = { layout: 'dinov2', variant: 's14reg', n: 2, size: 56 };
  const ref = vitReference(c);
  const converted = await convertInPage(page, ref.checkpoint, {
    name: 'cpu-route-vit',
    family: 'random',
    profile: 'auto',
    normalisation: 'imagenet',
  });
  expect(converted.errors).toEqual([]);
  const browser = await embedInPage(page, converted.card.id, { data: ref.pixels, n: c.n, size: c.size });
  const node = await nodeFeatures(ref.checkpoint, c, ref.pixels, converted.card);
  const { diff, scale } = maxAbsDiff(browser, ref.cls);
  console.log(`Chromium vs PyTorch: max|diff| ${diff.toExponential(2)}, max|f| ${scale.toFixed(3)}`);
  expect(diff).toBeLessThanOrEqual(1e-4 * scale);
  expect(Array.from(browser)).toEqual(Array.from(node));
  expect(errors).toEqual([]);
});
