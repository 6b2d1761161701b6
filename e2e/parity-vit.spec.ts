// ViT parity in Chromium: random-init ViT-S/16, ViT-B/16 (depth 12, width 768, 12 heads, ~330 MB float32) and
// a patch-14 model with 4 registers, saved by PyTorch in the timm (DINO/DeiT/MAE and DINOv2 names),
// torchvision and CLIP layouts, are converted in the browser worker through the path a dropped .pth takes
// (a real File from <input type=file>, auto-detected layout), then embedded there on wasm and on WebGPU
// (SwiftShader, tiny input), and one on WebGL, and must give PyTorch's eval-mode features:
// max|diff| ≤ 1e-4·max|feature|. References: scripts/fixtures/vit_features.py via
// src/engine/vit/test-fixtures.ts (the same fixtures as the Node parity test).
//
// Each checkpoint is converted once per page: a describe block shares one page, and each backend's test
// switches the worker's backend and embeds the same converted model (embedPixels loads the backbone from
// the dropped model's files on the current backend), so a 330 MB ViT-B is read and converted once, not once
// a backend.

import { type Browser, expect, type Page, test } from '@playwright/test';
import type { BackendName } from '../src/core/types.ts';
import { maxAbsDiff } from '../src/engine/resnet/test-fixtures.ts';
import {
  ensureVitFixtures,
  type FixtureLayout,
  type FixtureVariant,
  type VitCase,
  vitReference,
} from '../src/engine/vit/test-fixtures.ts';
import { collectErrors } from './helpers.ts';
import {
  type ConvertedInPage,
  convertInPage,
  embedInPage,
  openLab,
  parityPythonMissing,
  setBackend,
} from './parity-helpers.ts';

const missing = parityPythonMissing();
if (missing) console.warn(`\n!!! browser ViT parity SKIPPED: ${missing}\n`);

const STRICT = 1e-4;

const LAYOUT_PROFILE: Record<FixtureLayout, string> = {
  timm: 'vit-timm',
  dinov2: 'vit-timm',
  torchvision: 'vit-torchvision',
  clip: 'vit-clip',
};

interface ModelCases {
  layout: FixtureLayout;
  variant: FixtureVariant;
  /** Input (batch, size) per backend: wasm batches two images; the SwiftShader GPUs get one tiny image. */
  inputs: Partial<Record<'wasm' | 'webgpu' | 'webgl', { n: number; size: number }>>;
}

// Sizes make the position embeddings resample (patch 16: 14→3, 14→4 or 14→2 grids; patch 14: 7→4, 7→2).
const MODELS: ModelCases[] = [
  { layout: 'timm', variant: 's16', inputs: { wasm: { n: 2, size: 48 }, webgpu: { n: 1, size: 32 } } },
  { layout: 'dinov2', variant: 's14reg', inputs: { wasm: { n: 2, size: 56 }, webgpu: { n: 1, size: 28 } } },
  {
    layout: 'torchvision',
    variant: 's16',
    inputs: { wasm: { n: 2, size: 48 }, webgpu: { n: 1, size: 32 }, webgl: { n: 1, size: 32 } },
  },
  { layout: 'clip', variant: 's16', inputs: { wasm: { n: 2, size: 48 }, webgpu: { n: 1, size: 32 } } },
  { layout: 'timm', variant: 'b16', inputs: { wasm: { n: 2, size: 64 }, webgpu: { n: 1, size: 32 } } },
  { layout: 'torchvision', variant: 'b16', inputs: { wasm: { n: 2, size: 64 }, webgpu: { n: 1, size: 32 } } },
  { layout: 'clip', variant: 'b16', inputs: { wasm: { n: 2, size: 64 }, webgpu: { n: 1, size: 32 } } },
];

/** One page per model: the lab opened once and the checkpoint converted once for all its backends. */
interface SharedPage {
  page: Page;
  errors: string[];
  available: BackendName[];
  converted: ConvertedInPage;
}

async function openAndConvert(browser: Browser, m: ModelCases): Promise<SharedPage> {
  const page = await browser.newPage();
  const errors = collectErrors(page);
  const boot = await openLab(page);
  // The checkpoint and every backend's reference in one fixture-script call (one model build).
  const cases = Object.values(m.inputs).map((input) => ({ layout: m.layout, variant: m.variant, ...input }));
  ensureVitFixtures(cases);
  const { checkpoint } = vitReference(cases[0]);
  const started = Date.now();
  const converted = await convertInPage(page, checkpoint, {
    name: `${m.layout}-${m.variant}`,
    family: 'random',
    profile: 'auto',
    normalisation: 'imagenet',
  });
  console.log(
    `${m.layout}-${m.variant}: converted in the page in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return { page, errors, available: boot.available, converted };
}

async function checkCase(shared: SharedPage, c: VitCase, backend: BackendName): Promise<void> {
  const { page, converted } = shared;
  const info = await setBackend(page, backend);
  expect(info.name).toBe(backend);
  const ref = vitReference(c);
  const name = `${c.layout}-${c.variant}`;
  const ours = await embedInPage(page, converted.card.id, { data: ref.pixels, n: c.n, size: c.size });
  const { diff, scale } = maxAbsDiff(ours, ref.cls);
  const line = `${name} on ${backend} @ ${c.n}×${c.size}px: max|diff| ${diff.toExponential(2)}, max|f| ${scale.toFixed(3)}, ratio ${(diff / scale).toExponential(2)} (limit ${STRICT})`;
  console.log(line);
  test.info().annotations.push({ type: 'parity', description: line });
  expect(ours.length).toBe(ref.cls.length);
  expect(scale).toBeGreaterThan(0);
  expect(diff).toBeLessThanOrEqual(STRICT * scale);
}

test.describe('converted ViT checkpoints give PyTorch features in Chromium', () => {
  test.skip(missing !== null, `browser ViT parity needs Debian python3 with torch: ${missing}`);

  for (const m of MODELS) {
    test.describe(`${m.layout} ${m.variant}`, () => {
      let shared: SharedPage | undefined;

      test.beforeAll(async ({ browser }) => {
        shared = await openAndConvert(browser, m);
      });
      test.afterAll(async () => {
        await shared?.page.close();
        shared = undefined;
      });

      test('converts through the dropped-file path with the layout detected', () => {
        const { converted, errors } = shared!;
        expect(converted.errors).toEqual([]);
        expect(converted.card.format).toBe('lab-vit');
        expect(converted.card.source).toContain(`profile ${LAYOUT_PROFILE[m.layout]}`);
        expect(errors).toEqual([]);
      });

      for (const [backend, input] of Object.entries(m.inputs) as [
        BackendName,
        { n: number; size: number },
      ][]) {
        const where = backend === 'wasm' ? 'wasm' : `${backend} (SwiftShader)`;
        test(`→ ${where}, ${input.n}×${input.size}px`, async () => {
          const s = shared!;
          test.skip(
            !s.available.includes(backend),
            `!!! ${backend} ViT parity SKIPPED: Chromium offers no ${backend} here (available: ${s.available.join(', ')})`,
          );
          await checkCase(s, { layout: m.layout, variant: m.variant, ...input }, backend);
          expect(s.errors).toEqual([]);
        });
      }
    });
  }
});
