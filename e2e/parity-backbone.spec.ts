// Backbone parity in Chromium: random-init torchvision ResNets saved by PyTorch (zip and legacy torch.save,
// MoCo / PyContrast / SwAV layouts) are converted in the browser worker through the same path a dropped .pth
// takes, run there on wasm (and once on WebGPU/SwiftShader), and must give PyTorch's eval-mode features:
// max|diff| ≤ 1e-4·max|feature| (≤ 1e-2 with float16 storage).
// References: src/convert/test-fixtures.ts (checkpoints) and src/engine/resnet/test-fixtures.ts (features).

import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { ensureCheckpointFixtures } from '../src/convert/test-fixtures.ts';
import type { BackendName } from '../src/core/types.ts';
import { maxAbsDiff, torchFeatures } from '../src/engine/resnet/test-fixtures.ts';
import { collectErrors } from './helpers.ts';
import {
  convertInPage,
  embedInPage,
  ensureResnet50PyContrast,
  openLab,
  parityPythonMissing,
  setBackend,
} from './parity-helpers.ts';

const missing = parityPythonMissing();
if (missing) console.warn(`\n!!! browser backbone parity SKIPPED: ${missing}\n`);

type Arch = 'resnet18' | 'resnet50';

interface Check {
  n: number;
  size: number;
}

interface BackboneCase {
  arch: Arch;
  /** Checkpoint file name, e.g. resnet18-moco.zip.pth. */
  file: string;
  /** The key-layout profile auto-detection must pick. */
  profile: 'moco' | 'pycontrast' | 'swav';
  checks: Check[];
  backend?: BackendName;
  float16?: boolean;
  tolerance: number;
}

const STRICT = 1e-4;
const FLOAT16 = 1e-2;

const CASES: BackboneCase[] = [
  ...(['moco', 'pycontrast', 'swav'] as const).flatMap((profile) =>
    (['zip', 'legacy'] as const).map(
      (format): BackboneCase => ({
        arch: 'resnet18',
        file: `resnet18-${profile}.${format}.pth`,
        profile,
        checks: [{ n: 2, size: 64 }],
        tolerance: STRICT,
      }),
    ),
  ),
  {
    arch: 'resnet18',
    file: 'resnet18-moco.zip.pth',
    profile: 'moco',
    checks: [{ n: 2, size: 64 }],
    float16: true,
    tolerance: FLOAT16,
  },
  {
    arch: 'resnet50',
    file: 'resnet50-moco.legacy.pth',
    profile: 'moco',
    checks: [{ n: 1, size: 64 }],
    tolerance: STRICT,
  },
  {
    arch: 'resnet50',
    file: 'resnet50-pycontrast.zip.pth',
    profile: 'pycontrast',
    checks: [{ n: 1, size: 64 }],
    tolerance: STRICT,
  },
  {
    arch: 'resnet50',
    file: 'resnet50-pycontrast.legacy.pth',
    profile: 'pycontrast',
    checks: [{ n: 1, size: 64 }],
    tolerance: STRICT,
  },
  // The one full-size run: ImageNet's 224 px through every stage of resnet50.
  {
    arch: 'resnet50',
    file: 'resnet50-swav.zip.pth',
    profile: 'swav',
    checks: [
      { n: 1, size: 64 },
      { n: 1, size: 224 },
    ],
    tolerance: STRICT,
  },
];

/** Where a checkpoint lives: the shared fixture set, or this suite's extra resnet50 PyContrast files. */
function checkpointPath(c: BackboneCase): string {
  const shared = ensureCheckpointFixtures();
  if (c.arch === 'resnet50' && c.profile === 'pycontrast') {
    return join(ensureResnet50PyContrast(join(shared, 'resnet50.ref.safetensors')), c.file);
  }
  return join(shared, c.file);
}

function describeCase(c: BackboneCase): string {
  const sizes = c.checks.map((k) => `${k.n}×${k.size}px`).join(' + ');
  return `${c.file} → ${c.backend ?? 'wasm'}${c.float16 ? ' (float16 storage)' : ''}, ${sizes}`;
}

/** Converts the case's checkpoint in the page and compares each check's features with PyTorch's. */
async function runCase(page: Page, c: BackboneCase): Promise<void> {
  const path = checkpointPath(c);
  const name = `${c.file}${c.float16 ? ' f16' : ''}`;
  const converted = await convertInPage(page, path, {
    name,
    family: c.profile,
    profile: 'auto',
    normalisation: 'imagenet',
    float16: c.float16,
  });
  expect(converted.errors).toEqual([]);
  expect(converted.card.architecture).toBe(c.arch);
  expect(converted.card.source).toContain(`profile ${c.profile}`);
  const weights = join(ensureCheckpointFixtures(), `${c.arch}.ref.safetensors`);
  for (const check of c.checks) {
    const ref = torchFeatures(c.arch, weights, { ...check, norm: 'imagenet' });
    const ours = await embedInPage(page, converted.card.id, { data: ref.pixels, ...check });
    const { diff, scale } = maxAbsDiff(ours, ref.features);
    const where = `${c.file}${c.float16 ? ' f16' : ''} on ${c.backend ?? 'wasm'} @ ${check.n}×${check.size}px`;
    const line = `${where}: max|diff| ${diff.toExponential(2)}, max|f| ${scale.toFixed(3)}, ratio ${(diff / scale).toExponential(2)} (limit ${c.tolerance})`;
    console.log(line);
    test.info().annotations.push({ type: 'parity', description: line });
    expect(ours.length).toBe(ref.features.length);
    expect(scale).toBeGreaterThan(0);
    expect(diff).toBeLessThanOrEqual(c.tolerance * scale);
  }
}

test.describe('converted checkpoints give PyTorch features in Chromium', () => {
  test.skip(missing !== null, `browser backbone parity needs Debian python3 with torch: ${missing}`);

  for (const c of CASES) {
    test(describeCase(c), async ({ page }) => {
      const errors = collectErrors(page);
      const boot = await openLab(page);
      // The app picks wasm itself when the only WebGPU adapter is SwiftShader; insist on it either way.
      const backend = boot.name === 'wasm' ? boot : await setBackend(page, 'wasm');
      expect(backend.name).toBe('wasm');
      test.info().annotations.push({ type: 'backend', description: `wasm, ${backend.threads} threads` });
      await runCase(page, c);
      expect(errors).toEqual([]);
    });
  }

  test('resnet18-moco.zip.pth → webgpu (SwiftShader), 1×32px', async ({ page }) => {
    const errors = collectErrors(page);
    const boot = await openLab(page);
    test.skip(
      !boot.available.includes('webgpu'),
      `!!! WebGPU parity SKIPPED: Chromium offers no WebGPU adapter here (available: ${boot.available.join(', ')})`,
    );
    const info = await setBackend(page, 'webgpu');
    expect(info.name).toBe('webgpu');
    console.log(`webgpu adapter: ${info.adapter ?? 'unknown'}`);
    await runCase(page, {
      arch: 'resnet18',
      file: 'resnet18-moco.zip.pth',
      profile: 'moco',
      checks: [{ n: 1, size: 32 }],
      backend: 'webgpu',
      tolerance: STRICT,
    });
    expect(errors).toEqual([]);
  });
});
