// The pipeline end to end in Node: a folder of real PNG files → a tiny seeded ResNet → linear and few-shot
// probes → a valid ResultRecord; plus live records, input problems by file name, the cache and cancel.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ResultRecord } from '../core/record/types.ts';
import { validateRecord } from '../core/record/validate.ts';
import { createRng } from '../core/rng.ts';
import { CancelledError, type InputIssue } from '../core/types.ts';
import { diskFeatureCache } from '../platform/node/cache.ts';
import { decodeImageNode } from '../platform/node/decode.ts';
import { nodeFolderSource } from '../platform/node/folder.ts';
import { initBackend } from './backend.ts';
import { DEFAULT_SETTINGS, type EvalRequest, evaluate, type ModelRef } from './pipeline.ts';
import { tinyModel } from './test-tiny-model.ts';

const CLASSES = { red: [200, 40, 40], green: [40, 190, 60], blue: [50, 60, 210] } as const;

/** Noisy solid-colour images: 16 per class under train/, 6 under test/, and one broken file. */
function makeDataset(): string {
  const root = mkdtempSync(join(tmpdir(), 'tlab-pipeline-'));
  const rng = createRng(3);
  for (const [split, count] of [
    ['train', 16],
    ['test', 6],
  ] as const) {
    for (const [name, rgb] of Object.entries(CLASSES)) {
      const dir = join(root, split, name);
      mkdirSync(dir, { recursive: true });
      for (let i = 0; i < count; i++) {
        const data = new Uint8Array(40 * 36 * 3).map(
          (_, j) => rgb[j % 3] + Math.floor(50 * (rng.nextFloat() - 0.5)),
        );
        writeFileSync(join(dir, `${i}.png`), encode({ width: 40, height: 36, data, channels: 3, depth: 8 }));
      }
    }
  }
  writeFileSync(join(root, 'train', 'red', 'broken.png'), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
  return root;
}

const settings = { ...DEFAULT_SETTINGS, fewshot: { ways: 3, shots: [2], queries: 3, episodes: 40 } };

describe('evaluate', () => {
  let model: ModelRef;
  let dataDir: string;
  beforeAll(async () => {
    await initBackend('cpu');
    model = await tinyModel();
    dataDir = makeDataset();
  });

  const request = (): EvalRequest => ({
    models: [model],
    source: nodeFolderSource(dataDir),
    probes: ['linear', 'fewshot'],
    settings,
    backend: 'cpu',
    batchSize: 8,
  });

  it('produces a valid record with linear and few-shot scores, live, and names the broken file', async () => {
    const partials: ResultRecord[] = [];
    const issues: InputIssue[] = [];
    const record = await evaluate(request(), {
      decode: decodeImageNode,
      onRecord: (r) => partials.push(r),
      onIssues: (found) => issues.push(...found),
    });
    expect(validateRecord(record)).toEqual(record);
    expect(partials.map((p) => p.scores.length)).toEqual([3, 4]);
    expect(record.scores.map((s) => s.probe)).toEqual(['linear', 'ece', 'ece-scaled', 'fewshot-3way-2shot']);
    // Counts are of images used: the broken file is named among the skipped, not counted in train.
    expect(record.datasets[0].counts).toEqual({ train: 48, val: 0, test: 18 });
    expect(record.datasets[0].skipped?.map((f) => f.file)).toEqual(['train/red/broken.png']);
    expect(record.datasets[0].skippedCount).toBe(1);
    // Colour is trivially separable: even random features must get the linear probe far above chance (1/3).
    expect(record.scores[0].value).toBeGreaterThan(0.9);
    expect(record.scores[3].value).toBeGreaterThan(0.6);
    expect(Number.isFinite(record.scores[3].ci95)).toBe(true);
    const calibration = record.details?.calibration?.['tiny-random']?.[record.datasets[0].name];
    expect(calibration?.before.reduce((n, b) => n + b.count, 0)).toBe(18);
    expect(calibration?.temperature).toBeGreaterThan(0);
    expect(issues.some((i) => i.key === 'train/red/broken.png' && i.action === 'skipped')).toBe(true);
  });

  it('plans few-shot as the app does: ways capped by the classes, and the record lists the shots that ran', async () => {
    // 3 classes, 21–22 images each: 5-way becomes 3-way, and 40-shot (40 + 3 queries) cannot run.
    const wanted = { ...settings, fewshot: { ways: 5, shots: [2, 40], queries: 3, episodes: 20 } };
    const record = await evaluate(
      { ...request(), probes: ['fewshot'], settings: wanted },
      { decode: decodeImageNode },
    );
    expect(validateRecord(record)).toEqual(record);
    expect(record.protocol.fewshot).toEqual({ ways: 3, shots: [2], queries: 3, episodes: 20, seed: 0 });
    expect(record.scores.map((s) => s.probe)).toEqual(['fewshot-3way-2shot']);
  });

  it('gives the same scores from the feature cache', async () => {
    const cache = diskFeatureCache(mkdtempSync(join(tmpdir(), 'tlab-cache-')));
    const first = await evaluate(request(), { decode: decodeImageNode, cache });
    const details: string[] = [];
    const second = await evaluate(request(), {
      decode: decodeImageNode,
      cache,
      onProgress: (p) => p.detail && details.push(p.detail),
    });
    expect(second.scores).toEqual(first.scores);
    expect(details).toContain('66 from cache'); // every readable image, no recomputation
  });

  it('adds colour readout, colour reliance and one feature inversion with the colour probe', async () => {
    const colourSettings = {
      ...settings,
      inversion: {
        steps: 2,
        learningRate: 1e-3,
        // Small generator: the default one is slow on the cpu backend this test uses.
        generator: { channels: 8, depth: 2, noiseChannels: 4, skipChannels: 2 },
      },
    };
    const record = await evaluate(
      { ...request(), probes: ['linear', 'colour'], settings: colourSettings },
      { decode: decodeImageNode },
    );
    expect(validateRecord(record)).toEqual(record);
    expect(record.scores.map((s) => s.probe)).toEqual([
      'linear',
      'ece',
      'ece-scaled',
      'colour-readout',
      'linear-greyscale',
      'inversion-mse',
    ]);
    const [linear, , , readout, grey, inversion] = record.scores;
    // Classes are solid colours, so the image's mean colour is nearly a function of the (separable) class.
    expect(readout.metric).toBe('r2');
    expect(readout.value).toBeGreaterThan(0.5);
    for (const c of ['R', 'G', 'B']) {
      expect(readout.extra?.[`r2${c}`]).toBeLessThanOrEqual(1);
      expect(readout.extra?.[`rmse${c}`]).toBeGreaterThan(0);
    }
    expect(grey.value).toBeGreaterThanOrEqual(0);
    expect(grey.value).toBeLessThanOrEqual(1);
    // The reliance classifier is refitted at the linear probe's C: it scores the colour test images alike.
    expect(grey.extra?.accuracyColour).toBeCloseTo(linear.value, 1);
    expect(grey.extra?.drop).toBeCloseTo((grey.extra?.accuracyColour ?? 0) - grey.value, 12);
    expect(grey.extra?.meanCosine).toBeLessThan(1);
    expect(inversion.metric).toBe('mse');
    expect(inversion.value).toBeGreaterThan(0);
    const detail = record.details?.colourInversion?.['tiny-random']?.[record.datasets[0].name];
    expect(detail?.steps).toBe(2);
    expect(detail?.imageKey.startsWith('test/')).toBe(true);
    expect(inversion.value).toBeCloseTo(
      ((detail?.mse.r ?? 0) + (detail?.mse.g ?? 0) + (detail?.mse.b ?? 0)) / 3,
      9,
    );
  });

  it('adds the kNN probe: top-1 at k = 20, the curve over k, k capped at the train size and said so', async () => {
    const issues: InputIssue[] = [];
    const record = await evaluate(
      { ...request(), probes: ['knn', 'linear'] },
      { decode: decodeImageNode, onIssues: (found) => issues.push(...found) },
    );
    expect(validateRecord(record)).toEqual(record);
    // Registry order whatever the request's order: linear first, then kNN.
    expect(record.scores.map((s) => s.probe)).toEqual(['linear', 'ece', 'ece-scaled', 'knn']);
    const knn = record.scores[3];
    const train = record.datasets[0].counts.train; // counts only images used (the broken file is in skipped)
    expect(knn.extra).toMatchObject({ k: 20, trainSize: train, temperature: 0.07, kCappedAt: train });
    expect(knn.value).toBe(knn.extra!['top1@k20']);
    expect(Object.keys(knn.extra!).filter((k) => k.startsWith('top1@'))).toEqual([
      'top1@k10',
      'top1@k20',
      'top1@k100',
      'top1@k200',
    ]);
    // Past the train size every k votes over the same neighbours.
    expect(knn.extra!['top1@k100']).toBe(knn.extra!['top1@k200']);
    expect(knn.value).toBeGreaterThan(0.9);
    expect(record.protocol.knn).toEqual({ k: [10, 20, 100, 200], temperature: 0.07 });
    expect(issues.map((i) => i.reason)).toContain(
      `kNN: k capped at the train size (${train}) for k = 100, 200`,
    );
  });

  it('stops with CancelledError when cancelled mid-extraction', async () => {
    const token = { cancelled: false };
    const run = evaluate(request(), {
      decode: decodeImageNode,
      cancel: token,
      onProgress: (p) => {
        if (p.done > 0) token.cancelled = true;
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });
});
