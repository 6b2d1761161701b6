// ViT parity in Chromium: random-init ViTs saved by PyTorch in the timm (DINO/DeiT/MAE and DINOv2 names),
// torchvision and CLIP layouts are converted in the browser worker through the path a dropped .pth takes
// (auto-detected layout), run there on wasm and on WebGPU and WebGL (SwiftShader, tiny inputs), and must give PyTorch's
// eval-mode features: max|diff| ≤ 1e-4·max|feature|. References: scripts/fixtures/vit_features.py via
// src/engine/vit/test-fixtures.ts (the same fixtures as the Node parity test).

import { expect, type Page, test } from '@playwright/test';
import type { BackendName } from '../src/core/types.ts';
import { maxAbsDiff } from '../src/engine/resnet/test-fixtures.ts';
import { type VitCase, vitReference } from '../src/engine/vit/test-fixtures.ts';
import { collectErrors } from './helpers.ts';
import { convertInPage, embedInPage, openLab, parityPythonMissing, setBackend } from './parity-helpers.ts';

const missing = parityPythonMissing();
if (missing) console.warn(`\n!!! browser ViT parity SKIPPED: ${missing}\n`);

const STRICT = 1e-4;

const LAYOUT_PROFILE = {
  timm: 'vit-timm',
  dinov2: 'vit-timm',
  torchvision: 'vit-torchvision',
  clip: 'vit-clip',
};

async function runCase(page: Page, c: VitCase, backend: BackendName): Promise<void> {
  const ref = vitReference(c);
  const name = `${c.layout}-${c.variant}`;
  const converted = await convertInPage(page, ref.checkpoint, {
    name,
    family: 'random',
    profile: 'auto',
    normalisation: 'imagenet',
  });
  expect(converted.errors).toEqual([]);
  expect(converted.card.format).toBe('lab-vit');
  expect(converted.card.source).toContain(`profile ${LAYOUT_PROFILE[c.layout]}`);
  const ours = await embedInPage(page, converted.card.id, { data: ref.pixels, n: c.n, size: c.size });
  const { diff, scale } = maxAbsDiff(ours, ref.cls);
  const line = `${name} on ${backend} @ ${c.n}×${c.size}px: max|diff| ${diff.toExponential(2)}, max|f| ${scale.toFixed(3)}, ratio ${(diff / scale).toExponential(2)} (limit ${STRICT})`;
  console.log(line);
  test.info().annotations.push({ type: 'parity', description: line });
  expect(ours.length).toBe(ref.cls.length);
  expect(scale).toBeGreaterThan(0);
  expect(diff).toBeLessThanOrEqual(STRICT * scale);
}

const WASM_CASES: VitCase[] = [
  { layout: 'timm', variant: 's16', n: 2, size: 48 },
  { layout: 'dinov2', variant: 's14reg', n: 2, size: 56 },
  { layout: 'torchvision', variant: 's16', n: 2, size: 48 },
  { layout: 'clip', variant: 's16', n: 2, size: 48 },
];

const GPU_CASES: { backend: 'webgpu' | 'webgl'; c: VitCase }[] = [
  { backend: 'webgpu', c: { layout: 'dinov2', variant: 's14reg', n: 1, size: 28 } },
  { backend: 'webgpu', c: { layout: 'clip', variant: 's16', n: 1, size: 32 } },
  { backend: 'webgl', c: { layout: 'torchvision', variant: 's16', n: 1, size: 32 } },
];

test.describe('converted ViT checkpoints give PyTorch features in Chromium', () => {
  test.skip(missing !== null, `browser ViT parity needs Debian python3 with torch: ${missing}`);

  for (const c of WASM_CASES) {
    test(`${c.layout} ${c.variant} → wasm, ${c.n}×${c.size}px`, async ({ page }) => {
      const errors = collectErrors(page);
      const boot = await openLab(page);
      const backend = boot.name === 'wasm' ? boot : await setBackend(page, 'wasm');
      expect(backend.name).toBe('wasm');
      await runCase(page, c, 'wasm');
      expect(errors).toEqual([]);
    });
  }

  for (const { backend, c } of GPU_CASES) {
    test(`${c.layout} ${c.variant} → ${backend} (SwiftShader), ${c.n}×${c.size}px`, async ({ page }) => {
      const errors = collectErrors(page);
      const boot = await openLab(page);
      test.skip(
        !boot.available.includes(backend),
        `!!! ${backend} ViT parity SKIPPED: Chromium offers no ${backend} here (available: ${boot.available.join(', ')})`,
      );
      const info = await setBackend(page, backend);
      expect(info.name).toBe(backend);
      await runCase(page, c, backend);
      expect(errors).toEqual([]);
    });
  }
});
