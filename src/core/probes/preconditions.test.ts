// The preconditions and the feature table on hand-made data: ±Inf as well as NaN, one class in test only,
// the few-shot feasibility rule, and "not computed" in the CSV.

import { describe, expect, it } from 'vitest';
import { recordToCsv } from '../record/csv.ts';
import { smallRecord } from '../record/fixtures.ts';
import { buildFeatureTable, gatherRows, tableFacts } from './feature-table.ts';
import { fewShotFeasibility, trainTestProblem } from './preconditions.ts';
import { PROBES } from './registry.ts';

const listing = {
  name: 'set',
  classNames: ['a', 'b'],
  items: ['train/a/0', 'train/b/0', 'train/a/1', 'test/a/0', 'test/a/1'].map((key) => ({
    key,
    label: key.includes('/a/') ? 0 : 1,
    split: key.startsWith('train') ? ('train' as const) : ('test' as const),
    size: 1,
  })),
  issues: [],
  multiLabel: false,
  fingerprint: 'f',
};
const plan = { train: [0, 1, 2], val: null, test: [3, 4], pool: [0, 1, 2, 3, 4], heldOut: false };

describe('preconditions', () => {
  it('names the images with +Inf, -Inf or NaN features, in listing order', () => {
    const X = Float32Array.from([
      0,
      1,
      Number.POSITIVE_INFINITY,
      1,
      2,
      3,
      4,
      Number.NaN,
      Number.NEGATIVE_INFINITY,
      0,
    ]);
    // Rows in the order the table was built: items 3, 1, 0, 2, 4.
    const table = buildFeatureTable(listing, plan, [3, 1, 0, 2, 4], X, 2);
    expect(tableFacts(table, listing.classNames).nonFinite).toEqual(['train/b/0', 'train/a/1', 'test/a/1']);
    expect(gatherRows(table, table.rows.test).y).toEqual(Int32Array.from([0, 0]));
  });

  it('wants two classes in test too', () => {
    const table = buildFeatureTable(listing, plan, [0, 1, 2, 3, 4], new Float32Array(10), 2);
    expect(trainTestProblem(tableFacts(table, listing.classNames))).toBe(
      "it needs images of two or more classes in test; test has 1 (only 'a')",
    );
  });

  it('refuses multi-label items (label -1) instead of indexing a vote or a class with them', () => {
    const facts = {
      classNames: ['a', 'b'],
      train: Int32Array.of(-1, -1),
      test: Int32Array.of(-1),
      pool: Int32Array.of(-1),
      nonFinite: [],
    };
    expect(trainTestProblem(facts)).toBe(
      'this probe is single-label and the dataset is multi-label (labels.csv)',
    );
  });

  it('few-shot: k shots need ways classes with k + queries images; smaller classes are named as dropped', () => {
    const f = fewShotFeasibility([30, 10, 25, 0], { ways: 2, shots: [5, 20], queries: 5 });
    expect(f.map((s) => [s.shots, s.eligible, s.dropped, s.problem === null])).toEqual([
      [5, [0, 1, 2], [], true],
      [20, [0, 2], [1], true],
    ]);
    expect(fewShotFeasibility([30, 10], { ways: 3, shots: [5], queries: 5 })[0].problem).toBe(
      '3-way 5-shot needs 3 classes with at least 10 images (5 support + 5 queries); this dataset has 2',
    );
  });

  it('every registry probe that reads labels checks the same degenerate facts (one class) as not runnable', () => {
    const one = {
      classNames: ['a'],
      train: Int32Array.of(0, 0),
      test: Int32Array.of(0),
      pool: Int32Array.of(0, 0, 0),
      nonFinite: [],
    };
    // Attentive diffusion needs images, not labels: it runs on one class (eval-diffusion.test.ts).
    for (const p of PROBES.filter((d) => d.needs.includes('pooled-features'))) {
      const verdict = p.preconditions(one, {
        seed: 0,
        linearMode: 'paper',
        fewshot: { ways: 2, shots: [1], queries: 1, episodes: 1 },
      });
      expect([p.kind, verdict.runs]).toEqual([p.kind, false]);
      expect(verdict.notComputed.length).toBeGreaterThan(0);
    }
  });
});

describe('CSV', () => {
  it('writes a not-computed result with no value and its reason in the last column', () => {
    const record = {
      ...smallRecord(),
      scores: [],
      notComputed: [{ model: 'sup', dataset: 'pets', probe: 'knn', reason: 'no test images' }],
    };
    const lines = recordToCsv([record]).trim().split('\r\n');
    expect(lines[1].split(',').slice(2)).toEqual([
      'sup',
      'Supervised',
      'pets',
      'knn',
      '',
      '',
      '',
      '',
      'no test images',
    ]);
  });
});
