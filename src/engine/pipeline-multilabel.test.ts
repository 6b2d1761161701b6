// A labels.csv multi-label folder through the whole pipeline (Node, wasm): one-vs-rest linear probes scored
// by the paper's 11-point mAP, compared pairwise by the paired bootstrap, single-label probes skipped with a
// reason. (Parity of the probe itself with scikit-learn: linear.parity.test.ts, 'multilabel-paper'.)

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { loadModelRef } from '../cli/models-on-disk.ts';
import { validateRecord } from '../core/record/validate.ts';
import { createRng } from '../core/rng.ts';
import type { InputIssue } from '../core/types.ts';
import { decodeImageNode } from '../platform/node/decode.ts';
import { nodeFolderSource } from '../platform/node/folder.ts';
import { initBackend } from './backend.ts';
import { DEFAULT_SETTINGS, evaluate } from './pipeline.ts';

const ATTRIBUTES = [
  { name: 'red', rgb: [220, 30, 30], x: 0 },
  { name: 'green', rgb: [30, 200, 50], x: 11 },
  { name: 'blue', rgb: [40, 50, 220], x: 22 },
] as const;

/** 32×32 grey images with a coloured bar per present attribute; labels.csv lists them (some with none). */
function makeMultiLabelFolder(n: number, seed: number): string {
  const root = mkdtempSync(join(tmpdir(), 'tlab-multilabel-'));
  mkdirSync(join(root, 'imgs'));
  const rng = createRng(seed);
  const rows = ['path,labels'];
  for (let i = 0; i < n; i++) {
    const present = ATTRIBUTES.filter(() => rng.nextFloat() < 0.45);
    const data = new Uint8Array(32 * 32 * 3).map(() => 110 + Math.floor(40 * rng.nextFloat()));
    for (const a of present) {
      for (let y = 4; y < 28; y++)
        for (let x = a.x; x < a.x + 9; x++)
          for (let c = 0; c < 3; c++)
            data[(y * 32 + x) * 3 + c] = a.rgb[c] + Math.floor(30 * (rng.nextFloat() - 0.5));
    }
    const name = `imgs/${String(i).padStart(3, '0')}.png`;
    writeFileSync(join(root, name), encode({ width: 32, height: 32, data, channels: 3, depth: 8 }));
    rows.push(`${name},${present.map((a) => a.name).join(';')}`);
  }
  writeFileSync(join(root, 'labels.csv'), `${rows.join('\n')}\n`);
  return root;
}

describe('evaluate on a multi-label labels.csv folder', () => {
  it('scores the linear probe by 11-point mAP, compares models by the paired bootstrap', {
    timeout: 240_000,
  }, async () => {
    await initBackend('wasm');
    const issues: InputIssue[] = [];
    const record = await evaluate(
      {
        models: await Promise.all(['zoo-supervised-r10n', 'zoo-random-r10n'].map((id) => loadModelRef(id))),
        source: nodeFolderSource(makeMultiLabelFolder(80, 5)),
        probes: ['linear', 'fewshot'],
        settings: DEFAULT_SETTINGS,
        backend: 'wasm',
      },
      { decode: decodeImageNode, onIssues: (found) => issues.push(...found) },
    );
    expect(validateRecord(record)).toEqual(record);
    expect(record.datasets[0].multiLabel).toBe(true);
    expect(record.datasets[0].classNames).toEqual(['blue', 'green', 'red']);
    expect(record.datasets[0].counts.test).toBe(20); // 25% held out
    const linear = record.scores.filter((s) => s.probe === 'linear');
    expect(linear.map((s) => [s.model, s.metric])).toEqual([
      ['zoo-supervised-r10n', 'map11'],
      ['zoo-random-r10n', 'map11'],
    ]);
    // Colour bars are decodable even from random features: far above the ~0.45 positive rate of chance.
    for (const s of linear) expect(s.value).toBeGreaterThan(0.7);
    expect(record.scores.some((s) => s.probe.startsWith('fewshot'))).toBe(false);
    // The single-label probes say why, per model, in the record (preconditions), instead of a number.
    const fewshot = (record.notComputed ?? []).filter((n) => n.probe.startsWith('fewshot'));
    expect(fewshot.length).toBeGreaterThan(0);
    for (const n of fewshot) expect(n.reason).toMatch(/multi-label/);
    expect(issues.every((i) => !/not computed/.test(i.reason))).toBe(true);
    const [c] = record.comparisons ?? [];
    expect(c.test).toBe('paired-bootstrap');
    expect(c.n).toBe(20);
    expect(c.difference).toBeCloseTo(linear[0].value - linear[1].value, 12);
    expect(record.protocol.linear?.log10C).toHaveLength(45);
  });
});
