// The same images as a folder, as one tar and as tar shards split by class must be the same dataset to the
// lab: identical features (bit for bit) and identical scores through `evaluate`, with a real zoo model.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSyntheticDataset, syntheticUnavailableReason } from '../../scripts/datasets/make-synthetic.ts';
import { loadModelRef } from '../cli/models-on-disk.ts';
import type { DatasetSource } from '../core/types.ts';
import { decodeImageNode } from '../platform/node/decode.ts';
import { nodeFolderSource } from '../platform/node/folder.ts';
import { tarShardsSource } from '../platform/node/tar.ts';
import { initBackend } from './backend.ts';
import { extractFeatures } from './extract.ts';
import { loadBackbone } from './load-backbone.ts';
import { DEFAULT_SETTINGS, type EvalSettings, evaluate, type ModelRef } from './pipeline.ts';

const MODEL_ID = 'zoo-simclr-r10n';
const SETTINGS: EvalSettings = {
  ...DEFAULT_SETTINGS,
  fewshot: { ways: 4, shots: [5], queries: 5, episodes: 30 },
};

/** `tar` of some top-level entries of `dir` (paths inside are relative to `dir`, like a dataset folder). */
function tarOf(dir: string, entries: string[], out: string): string {
  mkdirSync(dirname(out), { recursive: true });
  const run = spawnSync('tar', ['--format=pax', '-cf', out, '-C', dir, ...entries], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`tar failed: ${run.stderr}`);
  return out;
}

const unavailable = syntheticUnavailableReason();
if (unavailable) console.warn(`SKIPPING sources-parity: ${unavailable}`);

describe.skipIf(unavailable !== null)('folder vs tar shards: same features, same scores', () => {
  let root: string;
  let sources: Record<'folder' | 'oneTar' | 'shards', DatasetSource>;
  let model: ModelRef;
  let tars = '';

  beforeAll(async () => {
    await initBackend('wasm');
    // 4 classes × ~40 derived Fashion-MNIST photos, 32×32 RGB PNGs.
    root = makeSyntheticDataset({
      out: '.cache/test-datasets/parity-fmnist',
      count: 160,
      classes: 4,
      seed: 7,
    });
    const classes = readdirSync(root).sort();
    // A fresh folder per run: another test process (the whole suite) may be writing its own tars meanwhile.
    mkdirSync(resolve('.cache/test-datasets'), { recursive: true });
    tars = mkdtempSync(resolve('.cache/test-datasets/parity-tars-'));
    sources = {
      folder: nodeFolderSource(root),
      oneTar: tarShardsSource([{ name: 'all.tar', path: tarOf(root, classes, `${tars}/all.tar`) }], {
        name: 'parity-fmnist',
      }),
      shards: tarShardsSource(
        [
          { name: 'part-000.tar', path: tarOf(root, classes.slice(0, 2), `${tars}/part-000.tar`) },
          { name: 'part-001.tar', path: tarOf(root, classes.slice(2), `${tars}/part-001.tar`) },
        ],
        { name: 'parity-fmnist' },
      ),
    };
    model = await loadModelRef(MODEL_ID);
  }, 120_000);

  afterAll(() => {
    if (tars) rmSync(tars, { recursive: true, force: true });
  });

  it('lists the same items and fingerprint', async () => {
    const folder = await sources.folder.list();
    expect(folder.items).toHaveLength(160);
    expect(folder.classNames).toHaveLength(4);
    for (const other of [sources.oneTar, sources.shards]) {
      const listing = await other.list();
      expect(listing.items).toEqual(folder.items);
      expect(listing.fingerprint).toBe(folder.fingerprint);
    }
  });

  it('extracts bit-identical features', async () => {
    const backbone = await loadBackbone(model.card, model.read);
    try {
      const keys = (await sources.folder.list()).items.map((i) => i.key);
      const extract = (source: DatasetSource) =>
        extractFeatures({
          source,
          keys,
          backbone,
          rule: model.card.preprocessing.linear,
          decode: decodeImageNode,
          cacheNamespace: 'unused',
          stage: 'parity',
          batchSize: 32,
        });
      const folder = await extract(sources.folder);
      expect(folder.usedKeys).toEqual(keys);
      expect(folder.features.length).toBe(keys.length * model.card.featureSize);
      // Real features, not zeros: the parity below would hold trivially otherwise.
      expect(folder.features.some((v) => v !== 0)).toBe(true);
      for (const other of [sources.oneTar, sources.shards]) {
        const result = await extract(other);
        expect(result.usedKeys).toEqual(keys);
        expect(result.features).toEqual(folder.features);
      }
    } finally {
      backbone.dispose();
    }
  }, 120_000);

  it('gives identical linear and few-shot scores through evaluate', async () => {
    const run = (source: DatasetSource) =>
      evaluate(
        {
          models: [model],
          source,
          probes: ['linear', 'fewshot'],
          settings: SETTINGS,
          backend: 'wasm',
          batchSize: 32,
        },
        { decode: decodeImageNode },
      );
    const folder = await run(sources.folder);
    const probes = folder.scores.map((s) => s.probe);
    expect(probes).toContain('linear');
    expect(probes).toContain('fewshot-4way-5shot');
    // Derived Fashion-MNIST classes are learnable: well above chance (25 %) for a model trained on them.
    expect(folder.scores.find((s) => s.probe === 'linear')!.value).toBeGreaterThan(0.5);
    for (const other of [sources.oneTar, sources.shards]) {
      const record = await run(other);
      expect(record.scores).toEqual(folder.scores);
      expect(record.datasets[0].counts).toEqual(folder.datasets[0].counts);
    }
  }, 240_000);
});
