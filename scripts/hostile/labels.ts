// Hostile label and split files next to good images.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { embedArgs, GOOD_KEYS, writeGoodFolder } from './datasets.ts';
import type { HostileCase } from './types.ts';

const rowsOf = (keys: string[]) => keys.map((k) => `${k},${k.split('/')[0]}`);

export function labelCases(dir: string): HostileCase[] {
  const cases: HostileCase[] = [];
  const add = (
    id: string,
    what: string,
    file: string,
    text: string,
    outcome: 'error' | 'skip',
    mentions: string[],
    rows?: string[],
  ) => {
    const root = join(dir, id);
    writeGoodFolder(root);
    writeFileSync(join(root, file), text);
    const out = join(dir, `${id}.npy`);
    cases.push({ id, kind: 'labels', what, argv: embedArgs(root, out), outcome, mentions, out, rows });
  };
  const good = rowsOf(GOOD_KEYS);
  add(
    'csv-stray-quote',
    'labels.csv with a stray quote inside a field on line 3',
    'labels.csv',
    ['path,label', good[0], 'cat/c2.png,ca"t', good[2], good[3]].join('\n'),
    'error',
    ['CsvError', 'labels.csv', 'line 3'],
  );
  add(
    'csv-open-quote',
    'labels.csv whose quote on line 2 is never closed',
    'labels.csv',
    ['path,label', '"cat/c1.png,cat', ...good.slice(1)].join('\n'),
    'error',
    ['CsvError', 'labels.csv', 'line 2', 'never closed'],
  );
  add(
    'csv-after-quote',
    'labels.csv with text after a closing quote on line 4',
    'labels.csv',
    ['path,label', good[0], good[1], '"dog/d1.png"x,dog', good[3]].join('\n'),
    'error',
    ['CsvError', 'labels.csv', 'line 4'],
  );
  add(
    'splits-stray-quote',
    'splits.csv with a stray quote on its first line',
    'splits.csv',
    ['cat/c1.png,tr"ain', 'cat/c2.png,test'].join('\n'),
    'error',
    ['CsvError', 'splits.csv', 'line 1'],
  );
  add(
    'csv-escape-codes',
    'labels.csv naming a missing file with escape codes and 10,000 characters',
    'labels.csv',
    [...good, `\u001b[2J${'x'.repeat(10_000)}.png,cat`].join('\n'),
    'skip',
    ['in the labels CSV but not found', '\\x1b[2J'],
    GOOD_KEYS,
  );
  add(
    'csv-dotdot',
    'labels.csv rows pointing outside the folder',
    'labels.csv',
    [...good, '../../etc/passwd,cat'].join('\n'),
    'skip',
    ['etc/passwd', 'not found'],
    GOOD_KEYS,
  );
  add(
    'csv-missing-row',
    'labels.csv without a row for one image',
    'labels.csv',
    good.slice(0, 3).join('\n'),
    'skip',
    ['dog/d2.png', 'no row for this file'],
    GOOD_KEYS.slice(0, 3),
  );
  return cases;
}
