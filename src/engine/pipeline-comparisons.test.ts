// The pipeline's paired comparisons on real data: two zoo models on the fashion-mnist demo set (Node, wasm).
// The record's comparisons must agree with its own scores (McNemar's difference is exactly the top-1
// difference) and pair every test image and every episode.

import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelRef } from '../cli/models-on-disk.ts';
import { validateRecord } from '../core/record/validate.ts';
import { holmAdjust } from '../core/stats/holm.ts';
import { decodeImageNode } from '../platform/node/decode.ts';
import { nodeFolderSource } from '../platform/node/folder.ts';
import { initBackend } from './backend.ts';
import { DEFAULT_SETTINGS, evaluate } from './pipeline.ts';

const MODELS = ['zoo-supervised-r10n', 'zoo-random-r10n', 'zoo-simclr-r10n'];
const DEMO = 'public/datasets/fashion-mnist-test';
const CLASSES = ['ankle-boot', 'bag', 'trouser', 'shirt'];

/** A small slice of the demo set (4 classes, 25 train and 15 test images each), to keep the test short. */
function demoSlice(): string {
  const root = mkdtempSync(join(tmpdir(), 'tlab-compare-'));
  for (const [split, count] of [
    ['train', 25],
    ['test', 15],
  ] as const) {
    for (const cls of CLASSES) {
      const from = join(DEMO, split, cls);
      mkdirSync(join(root, split, cls), { recursive: true });
      for (const f of readdirSync(from).sort().slice(0, count))
        copyFileSync(join(from, f), join(root, split, cls, f));
    }
  }
  return root;
}

describe('evaluate → record.comparisons', () => {
  it('tests every pair of models per probe, consistent with the scores', { timeout: 120_000 }, async () => {
    await initBackend('wasm');
    const record = await evaluate(
      {
        models: await Promise.all(MODELS.map((id) => loadModelRef(id))),
        source: nodeFolderSource(demoSlice()),
        probes: ['linear', 'fewshot', 'knn'],
        settings: {
          ...DEFAULT_SETTINGS,
          linearMode: 'paper',
          fewshot: { ways: 4, shots: [5], queries: 15, episodes: 60 },
        },
        backend: 'wasm',
      },
      { decode: decodeImageNode },
    );
    expect(validateRecord(record)).toEqual(record);
    const comparisons = record.comparisons ?? [];
    const linear = comparisons.filter((c) => c.probe === 'linear');
    const fewshot = comparisons.filter((c) => c.probe === 'fewshot-4way-5shot');
    expect(linear.map((c) => c.models)).toEqual([
      [MODELS[0], MODELS[1]],
      [MODELS[0], MODELS[2]],
      [MODELS[1], MODELS[2]],
    ]);
    expect(fewshot).toHaveLength(3);
    const score = (model: string, probe: string) =>
      record.scores.find((s) => s.model === model && s.probe === probe)!.value;
    for (const c of linear) {
      expect(c.test).toBe('mcnemar-exact');
      expect(c.n).toBe(record.datasets[0].counts.test);
      expect(c.difference).toBeCloseTo(score(c.models[0], 'linear') - score(c.models[1], 'linear'), 12);
    }
    for (const c of fewshot) {
      expect(c.test).toBe('paired-t');
      expect(c.n).toBe(60);
      const probe = 'fewshot-4way-5shot';
      expect(c.difference).toBeCloseTo(score(c.models[0], probe) - score(c.models[1], probe), 12);
    }
    // kNN top-1 is paired per test image too (McNemar at the headline k, the score the table shows).
    const knn = comparisons.filter((c) => c.probe === 'knn');
    expect(knn).toHaveLength(3);
    for (const c of knn) {
      expect(c.test).toBe('mcnemar-exact');
      expect(c.n).toBe(record.datasets[0].counts.test);
      expect(c.difference).toBeCloseTo(score(c.models[0], 'knn') - score(c.models[1], 'knn'), 12);
    }
    const holm = holmAdjust(linear.map((c) => c.pValue));
    linear.forEach((c, i) => {
      expect(c.pHolm).toBe(holm[i]);
    });
  });
});
