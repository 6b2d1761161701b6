// Degenerate datasets end in "not computed: <reason>" (issue #13 item 2), never in a confident number: one
// class, an empty test split, no usable image, non-finite features, too few images for few-shot. Real PNG
// folders through the real pipeline with a tiny seeded ResNet.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import { resultTable } from '../core/record/table.ts';
import { validateRecord } from '../core/record/validate.ts';
import { createRng } from '../core/rng.ts';
import type { InputIssue } from '../core/types.ts';
import { decodeImageNode } from '../platform/node/decode.ts';
import { nodeFolderSource } from '../platform/node/folder.ts';
import { initBackend } from './backend.ts';
import { DEFAULT_SETTINGS, type EvalSettings, evaluate, type ModelRef, type ProbeKind } from './pipeline.ts';
import { tinyModel } from './test-tiny-model.ts';

const COLOURS = [
  [200, 40, 40],
  [40, 190, 60],
  [50, 60, 210],
] as const;

/** A folder of noisy solid-colour PNGs: `layout[split][class] = count` ('' split = no split folder). */
function folder(layout: Record<string, number[]>, broken = false): string {
  const root = mkdtempSync(join(tmpdir(), 'tlab-degenerate-'));
  const rng = createRng(5);
  for (const [split, counts] of Object.entries(layout)) {
    counts.forEach((count, c) => {
      const dir = join(root, split, `class${c}`);
      mkdirSync(dir, { recursive: true });
      for (let i = 0; i < count; i++) {
        const data = new Uint8Array(32 * 32 * 3).map(
          (_, j) => COLOURS[c][j % 3] + Math.floor(40 * (rng.nextFloat() - 0.5)),
        );
        const bytes = broken
          ? new Uint8Array([0x89, 0x50, 0x4e, 0x47, 9, 9])
          : encode({ width: 32, height: 32, data, channels: 3, depth: 8 });
        writeFileSync(join(dir, `${i}.png`), bytes);
      }
    });
  }
  return root;
}

const SETTINGS: EvalSettings = {
  ...DEFAULT_SETTINGS,
  fewshot: { ways: 2, shots: [2], queries: 2, episodes: 10 },
  knn: { k: [3, 20], temperature: 0.07 },
};

describe('preconditions in the pipeline', () => {
  let model: ModelRef;
  beforeAll(async () => {
    await initBackend('cpu');
    model = await tinyModel();
  });

  const run = async (
    dir: string,
    probes: ProbeKind[],
    opts: { model?: ModelRef; settings?: EvalSettings } = {},
  ) => {
    const issues: InputIssue[] = [];
    const record = await evaluate(
      {
        models: [opts.model ?? model],
        source: nodeFolderSource(dir),
        probes,
        settings: opts.settings ?? SETTINGS,
        backend: 'cpu',
        batchSize: 8,
      },
      { decode: decodeImageNode, onIssues: (found) => issues.push(...found) },
    );
    expect(validateRecord(record)).toEqual(record);
    return { record, issues };
  };

  it('one class: no score, every probe not computed, saying train has only that class', async () => {
    const { record } = await run(folder({ '': [12] }), ['linear', 'fewshot', 'knn']);
    expect(record.scores).toEqual([]);
    const reasons = Object.fromEntries((record.notComputed ?? []).map((n) => [n.probe, n.reason]));
    expect(Object.keys(reasons)).toEqual(['linear', 'fewshot-2way-2shot', 'knn']);
    expect(reasons.linear).toBe(
      "it needs images of two or more classes in train; train has 1 (only 'class0')",
    );
    expect(reasons.knn).toBe(reasons.linear);
    expect(reasons['fewshot-2way-2shot']).toMatch(
      /needs 2 classes with at least 4 images .* this dataset has 1/,
    );
  });

  it('an empty test split (one image per class, nothing to hold out): not computed, no 0.0 ± 0.0', async () => {
    const { record } = await run(folder({ '': [1, 1, 1] }), ['linear', 'knn']);
    expect(record.datasets[0].counts.test).toBe(0);
    expect(record.scores).toEqual([]);
    expect(record.notComputed?.map((n) => [n.probe, n.reason])).toEqual([
      ['linear', 'the test split is empty (no usable test images)'],
      ['knn', 'the test split is empty (no usable test images)'],
    ]);
  });

  it('all images unusable: the files are named as skipped and nothing is computed', async () => {
    const { record, issues } = await run(folder({ train: [4, 4], test: [2, 2] }, true), ['linear', 'knn']);
    expect(record.scores).toEqual([]);
    expect(issues.filter((i) => i.action === 'skipped')).toHaveLength(12);
    expect(record.notComputed?.map((n) => n.reason)).toEqual([
      'the test split is empty (no usable test images)',
      'the test split is empty (no usable test images)',
    ]);
  });

  it('non-finite features (a NaN in the weights): not computed, naming the image files', async () => {
    const broken = await tinyModel((sd) => {
      sd.get('bn1.running_var')!.data[0] = Number.NaN;
    });
    const { record } = await run(folder({ train: [4, 4], test: [2, 2] }), ['linear', 'fewshot', 'knn'], {
      model: broken,
    });
    expect(record.scores).toEqual([]);
    for (const n of record.notComputed ?? []) {
      expect(n.reason).toBe(
        'the features of 12 image(s) are not finite (NaN or ±Inf): test/class0/0.png, test/class0/1.png, ' +
          'test/class1/0.png, test/class1/1.png, train/class0/0.png and 7 more',
      );
    }
    expect(record.notComputed).toHaveLength(3);
  });

  it('too few images for few-shot: the setting that fits runs and says which classes took part', async () => {
    const settings = { ...SETTINGS, fewshot: { ways: 2, shots: [2, 12], queries: 2, episodes: 10 } };
    const { record, issues } = await run(folder({ '': [12, 12, 5] }), ['fewshot'], { settings });
    expect(record.scores.map((s) => [s.probe, s.extra?.classes, s.extra?.classesTotal])).toEqual([
      ['fewshot-2way-2shot', 3, 3],
    ]);
    expect(record.notComputed).toEqual([
      {
        model: model.card.id,
        dataset: record.datasets[0].name,
        probe: 'fewshot-2way-12shot',
        reason:
          '2-way 12-shot needs 2 classes with at least 14 images (12 support + 2 queries); this dataset has 0 ' +
          '(too few images: class0, class1, class2)',
      },
    ]);
    // 12-shot could not run; 2-shot had every class. A setting that runs without some class says so:
    const narrower = { ...settings, fewshot: { ...settings.fewshot, shots: [4] } };
    const second = await run(folder({ '': [12, 12, 5] }), ['fewshot'], { settings: narrower });
    expect(second.record.scores[0].extra).toMatchObject({ classes: 2, classesTotal: 3 });
    expect(resultTable([second.record]).rows[0].cells[0]?.text).toMatch(
      /^\d+\.\d ± \d+\.\d \(2 of 3 classes\)$/,
    );
    // The first run's table shows the 12-shot column as not computed, with its reason.
    const table = resultTable([record]);
    expect(table.columns.map((c) => c.label)).toEqual(['2-way 2-shot · top-1 %', '2-way 12-shot · top-1 %']);
    expect(table.rows[0].notComputed[1]).toMatch(/^2-way 12-shot needs 2 classes/);
    expect(second.issues.map((i) => i.reason)).toContain(
      '2-way 4-shot: 2 of 3 classes took part; left out for fewer than 6 images: class2',
    );
    expect(issues).toBeDefined();
  });
});
