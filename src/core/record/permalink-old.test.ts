// Links and saved records made before the probe registry (wire format r1: metrics by their position in the
// old METRICS list) still open to the same record and show the same table. The fixtures were made by the old
// code on real `tlab eval` runs (scripts/fixtures/old-permalinks.ts); never regenerate them with new code.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableText } from './fixtures/table-text.ts';
import { decodePermalink } from './permalink.ts';
import type { ResultRecord } from './types.ts';
import { validateRecord } from './validate.ts';

const DIR = join(import.meta.dirname, 'fixtures');
const read = (name: string) => JSON.parse(readFileSync(join(DIR, name), 'utf8'));

interface OldLink {
  name: string;
  link: string;
  decoded: ResultRecord;
  table: string[][];
}

const links = read('permalinks-r1.json') as OldLink[];

describe('permalinks made before the probe registry (r1)', () => {
  it('covers several runs: linear + few-shot, colour + inversion, four models, converged mode', () => {
    expect(links.map((l) => l.name)).toEqual([
      'digits-linear-fewshot-2models',
      'mnist-linear-colour-inversion',
      'fmnist-fewshot-4models',
      'digits-converged-linear',
    ]);
    const metrics = new Set(links.flatMap((l) => l.decoded.scores.map((s) => s.metric)));
    expect([...metrics].sort()).toEqual(['ece', 'mean-per-class', 'mse', 'r2', 'top1']);
  });

  for (const old of links) {
    it(`${old.name}: opens to the same record and table`, () => {
      expect(old.link.startsWith('r1.')).toBe(true);
      const record = decodePermalink(`#${old.link}`);
      expect(record).toEqual(old.decoded);
      expect(tableText([record])).toEqual(old.table);
    });
  }
});

describe('saved records made before the probe registry', () => {
  for (const name of ['record-r1-with-details.json', 'record-r1-fewshot.json']) {
    it(`${name} validates to itself`, () => {
      const saved = read(name);
      expect(validateRecord(saved)).toEqual(saved);
    });
  }
});
