// `tlab convert` end to end: every checkpoint layout of the converter's fixtures (zip and legacy
// torch.save; torchvision, MoCo, PyContrast, SwAV wrappings) → the lab's model folder → features that
// match PyTorch's eval-mode features of the same weights.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCheckpointFixtures } from '../../convert/test-fixtures.ts';
import type { ModelCard } from '../../core/types.ts';
import { initBackend } from '../../engine/backend.ts';
import { loadBackbone } from '../../engine/load-backbone.ts';
import { maxAbsDiff, torchFeatures, torchMissingReason } from '../../engine/resnet/test-fixtures.ts';
import { main } from '../main.ts';

const skipReason = torchMissingReason();
if (skipReason) console.warn(`\n!!! ${skipReason}\n`);

/** Fixture file suffix → the profile `auto` must pick for it. */
const LAYOUTS: [string, string][] = [
  ['tv.zip.pth', 'torchvision'],
  ['tv.legacy.pth', 'torchvision'],
  ['tv.safetensors', 'torchvision'],
  ['moco.zip.pth', 'moco'],
  ['moco.legacy.pth', 'moco'],
  ['pycontrast.legacy.pth', 'pycontrast'],
  ['swav.zip.pth', 'swav'],
  ['simclrv2.zip.pth', 'simclr-v2'],
  ['byol.p4.pkl', 'byol'],
];
/** resnet18 files are 45 MB each: a representative subset keeps the suite quick. */
const RESNET18_LAYOUTS = LAYOUTS.filter(([l]) =>
  ['tv.zip.pth', 'moco.legacy.pth', 'pycontrast.legacy.pth', 'swav.zip.pth', 'byol.p4.pkl'].includes(l),
);

describe.skipIf(skipReason !== null).sequential('tlab convert', () => {
  let fixtures = '';
  let out = '';
  const quiet = { log: console.log };

  beforeAll(async () => {
    fixtures = ensureCheckpointFixtures();
    out = mkdtempSync(join(tmpdir(), 'tlab-convert-'));
    console.log = () => {}; // the command prints its report; keep test output readable
    await initBackend('wasm');
  });
  afterAll(() => {
    console.log = quiet.log;
    rmSync(out, { recursive: true, force: true });
  });

  async function convert(file: string, id: string, extra: string[] = []): Promise<ModelCard> {
    const code = await main(['convert', join(fixtures, file), '--id', id, '--out', join(out, id), ...extra]);
    expect(code, `tlab convert ${file}`).toBe(0);
    return JSON.parse(readFileSync(join(out, id, 'card.json'), 'utf8')) as ModelCard;
  }

  for (const model of ['resnet18', 'tiny', 'narrow50'] as const) {
    it(`${model}: every layout converts to the same weights`, async () => {
      const cards = [];
      const layouts = model === 'resnet18' ? RESNET18_LAYOUTS : LAYOUTS;
      for (const [layout, profile] of layouts) {
        const card = await convert(`${model}-${layout}`, `${model}-${layout.replaceAll('.', '-')}`);
        expect(card.family, layout).toBe(profile); // the auto profile found the right layout
        cards.push(card);
      }
      const hashes = new Set(cards.map((c) => c.weightsHash));
      expect(hashes.size).toBe(1);
      expect(new Set(cards.map((c) => c.checkpointSha256)).size).toBe(layouts.length);
    });

    it(`${model}: converted model gives PyTorch's features (wasm, 2 images at 64 px)`, async () => {
      const id = `${model}-moco-legacy-pth`;
      const card = JSON.parse(readFileSync(join(out, id, 'card.json'), 'utf8')) as ModelCard;
      const arch = model === 'resnet18' ? 'resnet18' : 'auto';
      const ref = torchFeatures(arch, join(fixtures, `${model}.ref.safetensors`), {
        n: 2,
        size: 64,
        norm: 'imagenet',
      });
      const before = tf.memory().numTensors;
      const backbone = await loadBackbone(card, (p) => readFile(join(out, id, p)));
      const ours = await backbone.embed({ data: ref.pixels, n: 2, size: 64 });
      backbone.dispose();
      const { diff, scale } = maxAbsDiff(ours, ref.features);
      expect(scale).toBeGreaterThan(0);
      expect(diff).toBeLessThanOrEqual(1e-4 * scale);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("nine layouts of today's releases: auto reports container and prefix, features equal PyTorch's", async () => {
    const layouts = JSON.parse(readFileSync(join(fixtures, 'layouts.json'), 'utf8')) as Record<
      string,
      { model: string; container: string; prefix: string }
    >;
    const ref = torchFeatures('auto', join(fixtures, 'tiny.ref.safetensors'), {
      n: 2,
      size: 64,
      norm: 'imagenet',
    });
    const printed: string[] = [];
    console.log = (...a: unknown[]) => printed.push(a.join(' '));
    const files = Object.entries(layouts).filter(([, c]) => c.model === 'tiny');
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const [file, c] of files) {
      printed.length = 0;
      const id = file.replace(/\.pth$/, '');
      const card = await convert(file, id);
      expect(printed[0], file).toContain(`in container ${c.container}, prefix '${c.prefix}'`);
      expect(printed.join('\n'), file).toMatch(/^dropped: /m);
      const backbone = await loadBackbone(card, (p) => readFile(join(out, id, p)));
      const ours = await backbone.embed({ data: ref.pixels, n: 2, size: 64 });
      backbone.dispose();
      const { diff, scale } = maxAbsDiff(ours, ref.features);
      expect(scale, file).toBeGreaterThan(0);
      expect(diff, file).toBeLessThanOrEqual(1e-4 * scale);
    }
    // The family is inferred from the layout when the file name says nothing about the method.
    const dino = JSON.parse(readFileSync(join(out, 'tiny-layout-dino', 'card.json'), 'utf8')) as ModelCard;
    expect(dino.family).toBe('dino');
    console.log = () => {};
  });

  it('a wrong --prefix is refused with the key groups and the working command, with the real path', async () => {
    const errors: string[] = [];
    const origError = console.error;
    console.error = (...a: unknown[]) => errors.push(a.join(' '));
    const file = join(fixtures, 'tiny-layout-solo-learn.pth');
    try {
      expect(await main(['convert', file, '--prefix', 'model.backbone.', '--out', join(out, 'y')])).toBe(1);
    } finally {
      console.error = origError;
    }
    expect(errors[0]).toMatch(/largest key groups \(container › prefix: tensors\):/);
    expect(errors[0]).toMatch(/state_dict › backbone\.\*: \d+ tensors/);
    expect(errors[0]).toContain(`npx tlab convert ${file} --container state_dict --prefix backbone.`);
  });

  it('resnet50 in the MoCo layout (legacy) converts with --arch resnet50 and float16 within 1e-2', async () => {
    const card = await convert('resnet50-moco.legacy.pth', 'r50-f16', ['--arch', 'resnet50', '--float16']);
    expect(card.architecture).toBe('resnet50');
    expect(card.featureSize).toBe(2048);
    const ref = torchFeatures('resnet50', join(fixtures, 'resnet50.ref.safetensors'), {
      n: 1,
      size: 64,
      norm: 'imagenet',
    });
    const backbone = await loadBackbone(card, (p) => readFile(join(out, 'r50-f16', p)));
    const ours = await backbone.embed({ data: ref.pixels, n: 1, size: 64 });
    backbone.dispose();
    const { diff, scale } = maxAbsDiff(ours, ref.features);
    expect(diff).toBeLessThanOrEqual(1e-2 * scale);
  });

  it('card options: name, family, licence, SimCLR-style no normalisation, custom mean/std, extra card fields', async () => {
    const none = await convert('tiny-tv.zip.pth', 'tiny-none', [
      '--mean',
      'none',
      '--name',
      'Tiny',
      '--licence',
      'MIT',
    ]);
    expect(none).toMatchObject({
      name: 'Tiny',
      licence: 'MIT',
      mean: null,
      std: null,
      architecture: 'resnet-basic-1111-w2',
    });
    const extra = join(out, 'extra.json');
    await import('node:fs/promises').then((fs) =>
      fs.writeFile(extra, JSON.stringify({ description: 'grey', weightsHash: 'x' })),
    );
    const custom = await convert('tiny-tv.zip.pth', 'tiny-fm', [
      ...['--mean', '0.28,0.28,0.28', '--std', '0.35,0.35,0.35', '--input-size', '32', '--family', 'simclr'],
      ...['--arch', 'resnet10n', '--card', extra],
    ]);
    expect(custom).toMatchObject({
      mean: [0.28, 0.28, 0.28],
      std: [0.35, 0.35, 0.35],
      inputSize: 32,
      family: 'simclr',
    });
    expect(custom).toMatchObject({ architecture: 'resnet10n', description: 'grey' });
    expect(custom.weightsHash).toMatch(/^[0-9a-f]{64}$/); // computed, never taken from --card
    expect(custom.preprocessing.fewshot).toEqual({
      mode: 'squash',
      resize: 37,
      crop: 32,
      interpolation: 'bilinear',
    });
  });

  it('refuses a wrong --arch and bad arguments with a clear message', async () => {
    const errors: string[] = [];
    const origError = console.error;
    console.error = (...a: unknown[]) => errors.push(a.join(' '));
    try {
      expect(
        await main([
          'convert',
          join(fixtures, 'resnet18-tv.zip.pth'),
          '--arch',
          'resnet50',
          '--out',
          join(out, 'x'),
        ]),
      ).toBe(1);
      expect(await main(['convert', join(fixtures, 'resnet18-tv.zip.pth'), '--mean', '1,2'])).toBe(2);
      expect(await main(['convert'])).toBe(2);
    } finally {
      console.error = origError;
    }
    expect(errors[0]).toMatch(/do not fit the architecture/);
    expect(errors[1]).toMatch(/--mean r,g,b needs --std/);
  });
});
