// Hostile result links, opened with `tlab show --file`.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'fflate';
import { toBase64Url } from '../../src/core/record/base64url.ts';
import { smallRecord } from '../../src/core/record/fixtures.ts';
import { encodePermalink } from '../../src/core/record/permalink.ts';
import { toCompact } from '../../src/core/record/permalink-compact.ts';
import { RESULT_SCHEMA_VERSION } from '../../src/core/record/types.ts';
import type { HostileCase } from './types.ts';

const pack = (json: string) =>
  `r${RESULT_SCHEMA_VERSION}.${toBase64Url(deflateSync(new TextEncoder().encode(json), { level: 9 }))}`;

/** A valid record's compact form with `count` extra values, all on score 0 under distinct keys. */
function manyExtrasLink(count: number): string {
  const compact = toCompact(smallRecord(), true) as unknown as unknown[];
  const keys = Array.from({ length: count }, (_, i) => `k${i}`);
  const triples: number[] = [];
  let x = 12345;
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    triples.push(0, i, x % 100_000);
  }
  compact[8] = keys;
  (compact[9] as unknown[][])[6] = triples;
  return pack(JSON.stringify(compact));
}

/** The largest many-extras link under 100,000 characters (the 99,000-character link). */
function longestManyExtrasLink(): string {
  let lo = 1000;
  let hi = 40_000;
  while (hi - lo > 200) {
    const mid = (lo + hi) >> 1;
    if (manyExtrasLink(mid).length <= 99_500) lo = mid;
    else hi = mid;
  }
  return manyExtrasLink(lo);
}

export function permalinkCases(dir: string): HostileCase[] {
  const cases: HostileCase[] = [];
  const add = (id: string, what: string, link: string, mentions: string[]) => {
    const file = join(dir, `${id}.link`);
    writeFileSync(file, `https://lab.example/#${link}`);
    cases.push({
      id,
      kind: 'permalink',
      what,
      argv: ['show', '--file', file],
      outcome: 'error',
      mentions: ['PermalinkError', `${id}.link`, ...mentions],
    });
  };
  const good = encodePermalink(smallRecord());
  add(
    'many-extras',
    'a 99,000-character link with thousands of extra values on one score',
    longestManyExtrasLink(),
    ['extra values on one score'],
  );
  add('too-long', 'a link of 100,001 characters', `r1.${'A'.repeat(100_001 - 3)}`, ['too long']);
  add(
    'deflate-bomb',
    'a link that inflates to 64 MiB',
    `r1.${toBase64Url(deflateSync(new Uint8Array(64 * 2 ** 20).fill(32), { level: 9 }))}`,
    ['far more data'],
  );
  add(
    'bad-chars',
    'a link with characters base64url never has',
    `${good.slice(0, 20)}<script>${good.slice(20)}`,
    ['characters a result never has'],
  );
  add('newer-schema', 'a link from a newer format', `r99.${good.slice(good.indexOf('.') + 1)}`, [
    'newer version',
  ]);
  add('truncated', 'a link cut in half', good.slice(0, good.length >> 1), ['damaged']);
  add('not-json', 'a link whose data is not JSON', pack('{"scores": [1, 2'), ['not readable']);
  add('not-array', 'a link whose JSON is an object', pack('{"a": 1}'), ['damaged']);
  add(
    'huge-array',
    'a link whose JSON holds 1,000,000 models',
    pack(`["1","t","cpu",0,[${'0,'.repeat(999_999)}0],[],0,[],[],[]]`),
    ['damaged'],
  );
  add('not-a-link', 'a file holding prose, not a link', 'hello there', ['does not contain']);
  return cases;
}
