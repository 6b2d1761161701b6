// The zoo's recipe end to end, made tiny: train.py (a few steps, 512 images, narrow widths) → .pth →
// `tlab convert` (the user's path) → our tfjs backbone. Features must be finite, match PyTorch's on real
// Fashion-MNIST t10k images, and the card must carry the checkpoint's sha256. Artefacts in .cache/zoo-test/.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/core/hash.ts';
import type { ModelCard } from '../../src/core/types.ts';
import { loadBackbone } from '../../src/engine/load-backbone.ts';
import {
  cardExtras,
  convertArgs,
  orderedIds,
  type TrainLogEntry,
  withEmbedded,
  withImported,
} from './cards.ts';
import { convertOne, readTrainLog } from './convert-zoo.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const PYTHON = '/usr/bin/python3';
const WORK = join(ROOT, '.cache/zoo-test');
const MODELS = join(WORK, 'models');
const METHODS = ['simclr', 'byol', 'supervised', 'random'];

function torchMissingReason(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
  if (r.status !== 0)
    return `${PYTHON} cannot import torch/torchvision (${(r.stderr || String(r.error)).trim()})`;
  if (!existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz')) {
    return 'Debian dataset-fashion-mnist is not installed (/usr/share/datasets/fashion-mnist)';
  }
  return null;
}

function python(script: string, args: string[]): string {
  const r = spawnSync('nice', ['-n', '10', PYTHON, join(ROOT, 'scripts/zoo', script), ...args], {
    encoding: 'utf8',
    cwd: ROOT,
  });
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function trainTiny(method: string, out = WORK): void {
  python('train.py', [
    ...['--method', method, '--id', `tiny-${method}`, '--out', out],
    ...['--steps', '3', '--subset', '512', '--batch', '64', '--widths', '8,16,16,32', '--threads', '1'],
    ...['--print-every', '1', '--warmup', '1'],
  ]);
}

async function readF32(path: string): Promise<Float32Array> {
  const bytes = await readFile(path);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

const skipReason = torchMissingReason();
if (skipReason) console.warn(`\n!!! zoo end-to-end test SKIPPED: ${skipReason}\n`);

describe.skipIf(skipReason !== null)('zoo recipe, tiny, end to end', () => {
  beforeAll(async () => {
    await rm(WORK, { recursive: true, force: true });
    await mkdir(MODELS, { recursive: true });
    for (const method of METHODS) trainTiny(method);
    await tf.setBackend('cpu');
  });

  it('logs every method with the same budget and a finite loss', async () => {
    const log = await readTrainLog(WORK);
    expect(orderedIds(log)).toEqual(['tiny-supervised', 'tiny-simclr', 'tiny-byol', 'tiny-random']);
    for (const method of ['simclr', 'byol', 'supervised']) {
      const e = log[`tiny-${method}`];
      expect(e.steps).toBe(3);
      expect(e.batch).toBe(64);
      expect(Number.isFinite(e.finalLoss)).toBe(true);
    }
    expect(log['tiny-random'].steps).toBe(0);
  });

  it('is deterministic: the same seed retrains to a byte-identical checkpoint', async () => {
    const again = join(WORK, 'again');
    trainTiny('byol', again);
    const [first, second] = await Promise.all([readTrainLog(WORK), readTrainLog(again)]);
    expect(second['tiny-byol'].checkpointSha256).toBe(first['tiny-byol'].checkpointSha256);
    expect(second['tiny-byol'].finalLoss).toBe(first['tiny-byol'].finalLoss);
  });

  for (const method of METHODS) {
    it(`${method}: converts with tlab convert and gives PyTorch's features`, async () => {
      const entry = (await readTrainLog(WORK))[`tiny-${method}`];
      const dir = await convertOne(entry, WORK, MODELS);
      const card = JSON.parse(await readFile(join(dir, 'card.json'), 'utf8')) as ModelCard;
      const pth = await readFile(join(WORK, `${entry.id}.pth`));

      expect(card.checkpointSha256).toBe(await sha256Hex(new Uint8Array(pth)));
      expect(card.checkpointSha256).toBe(entry.checkpointSha256);
      expect(card).toMatchObject({ inputSize: 32, featureSize: 32, family: method, licence: 'MIT' });
      expect(card.mean).toEqual([entry.mean, entry.mean, entry.mean]);
      expect(card.description).toBe(cardExtras(entry).description);

      const ref = join(WORK, `ref-${method}`);
      const args = ['--pth', join(WORK, `${entry.id}.pth`), '--out', ref, '--n', '8', '--size', '32'];
      python('features.py', [...args, '--mean', String(entry.mean), '--std', String(entry.std)]);
      const pixels = await readF32(join(ref, 'pixels.f32'));
      const expected = await readF32(join(ref, 'features.f32'));

      const backbone = await loadBackbone(
        card,
        async (rel) => new Uint8Array(await readFile(join(dir, rel))),
      );
      const before = tf.memory().numTensors;
      const features = await backbone.embed({ data: pixels, n: 8, size: 32 });
      expect(tf.memory().numTensors).toBe(before);
      backbone.dispose();

      expect(features.length).toBe(8 * 32);
      expect(features.every(Number.isFinite)).toBe(true);
      const scale = Math.max(...expected.map(Math.abs));
      const worst = Math.max(...features.map((v, i) => Math.abs(v - expected[i])));
      expect(scale).toBeGreaterThan(0);
      expect(worst / scale).toBeLessThan(1e-4);
    });
  }
});

describe('zoo card helpers', () => {
  const entry: TrainLogEntry = {
    id: 'zoo-byol-r10n',
    method: 'byol',
    seed: 0,
    torch: '1.13.0',
    inputSize: 32,
    widths: [16, 32, 64, 128],
    batch: 256,
    subset: 25600,
    epochs: 3,
    steps: 300,
    finalLoss: 0.61,
    seconds: 412.3,
    checkpointSha256: 'ab'.repeat(32),
    mean: 0.286,
    std: 0.353,
  };

  it('passes the trained statistics and input size to tlab convert', () => {
    const args = convertArgs(entry, 'a.pth', 'models/x', 'extras.json');
    const flag = (name: string) => args[args.indexOf(name) + 1];
    expect(args.slice(0, 2)).toEqual(['convert', 'a.pth']);
    expect(flag('--input-size')).toBe('32');
    expect(flag('--mean')).toBe('0.286,0.286,0.286');
    expect(flag('--std')).toBe('0.353,0.353,0.353');
    expect(flag('--family')).toBe('byol');
    expect(flag('--card')).toBe('extras.json');
  });

  it('describes the budget in the card', () => {
    const { name, description } = cardExtras(entry);
    expect(name).toBe('BYOL R10n (Fashion-MNIST)');
    expect(description).toContain('300 steps of 256 (3 epochs over 25,600 TRAIN images)');
    expect(description).toContain('final loss 0.61');
  });

  it('reads subset 0 as the whole 60,000-image TRAIN set', () => {
    const whole = cardExtras({ ...entry, subset: 0, steps: 640, batch: 128, epochs: 1.367 });
    expect(whole.description).toContain('640 steps of 128 (1.367 epochs over 60,000 TRAIN images)');
  });

  it('says where the random control took its BN statistics from', () => {
    const random = { ...entry, id: 'zoo-random-r10n', method: 'random', steps: 0, finalLoss: null };
    const fromData = cardExtras({ ...random, randomBn: 'data', bnImages: 5120 }).description;
    expect(fromData).toContain('BN statistics estimated on 5,120 TRAIN images');
    expect(cardExtras({ ...random, randomBn: 'init' }).description).toContain('BN statistics at init');
    expect(cardExtras(random).description).toContain('BN statistics at init');
  });

  it('replaces only the embedded array of the catalog text', () => {
    const text = '{\n  "about": "x [y]",\n  "embedded": [],\n  "models": [\n    { "id": "a" }\n  ]\n}\n';
    const out = withEmbedded(text, ['zoo-a', 'zoo-b']);
    expect(out).toBe(text.replace('"embedded": []', '"embedded": ["zoo-a", "zoo-b"]'));
    expect(withEmbedded(out, ['zoo-c'])).toBe(text.replace('"embedded": []', '"embedded": ["zoo-c"]'));
    expect(() => withEmbedded('{"models": []}', ['a'])).toThrow(/no "embedded"/);
  });

  it('adds or replaces the imported array after embedded, leaving embedded alone', () => {
    const text = '{\n  "embedded": ["zoo-a"],\n  "models": []\n}\n';
    const added = withImported(text, ['photo-b']);
    expect(JSON.parse(added)).toEqual({ embedded: ['zoo-a'], imported: ['photo-b'], models: [] });
    expect(JSON.parse(withImported(added, ['photo-c', 'photo-d'])).imported).toEqual(['photo-c', 'photo-d']);
    expect(JSON.parse(withEmbedded(added, ['zoo-z'])).imported).toEqual(['photo-b']);
  });
});
