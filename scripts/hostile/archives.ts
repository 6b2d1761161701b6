// Hostile tar shards: lying sizes, broken headers, members escaping the archive, broken label members.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { embedArgs, GOOD_KEYS, goodMembers, goodPng, type TarMember, tar } from './datasets.ts';
import type { HostileCase } from './types.ts';

export function archiveCases(dir: string): HostileCase[] {
  const cases: HostileCase[] = [];
  const skip = (id: string, what: string, members: TarMember[], mentions: string[], rows = GOOD_KEYS) => {
    const caseDir = join(dir, id);
    mkdirSync(caseDir, { recursive: true });
    const shard = join(caseDir, `${id}.tar`);
    writeFileSync(shard, tar(members));
    const out = join(caseDir, 'feats.npy');
    cases.push({
      id,
      kind: 'archive',
      what,
      argv: embedArgs(shard, out),
      outcome: 'skip',
      mentions,
      out,
      rows,
    });
  };
  const [c1, c2, d1, d2] = goodMembers();
  const bad = (m: Partial<TarMember>): TarMember => ({ name: 'cat/bad.png', data: goodPng(9), ...m });

  skip(
    'size-negative',
    'a member whose size field is "-1000"',
    [c1, c2, bad({ sizeText: '-1000' }), d1, d2],
    ['cat/bad.png', 'not a number'],
  );
  skip(
    'size-absurd',
    'a member declaring 8 GiB in a small file',
    [c1, bad({ sizeText: '77777777777' }), c2, d1, d2],
    ['cat/bad.png', 'runs past the end'],
  );
  skip(
    'size-base256-negative',
    'a base-256 size field holding a negative number',
    [
      c1,
      c2,
      bad({ sizeBytes: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfc, 0x18] }),
      d1,
      d2,
    ],
    ['cat/bad.png', 'not a number'],
  );
  skip(
    'size-letters',
    'a size field holding letters',
    [c1, c2, d1, bad({ sizeText: '12x' }), d2],
    ['cat/bad.png', 'not a number'],
  );
  skip(
    'checksum',
    'a member with a broken header checksum',
    [c1, bad({ badChecksum: true }), c2, d1, d2],
    ['cat/bad.png', 'checksum'],
  );
  skip(
    'dotdot',
    "a member named '../evil.png'",
    [c1, c2, { name: '../cat/evil.png', data: goodPng(7) }, d1, d2],
    ['../cat/evil.png', "leaves the archive ('../')"],
  );
  skip(
    'dotdot-inner',
    "a member named 'cat/../../evil.png'",
    [c1, c2, { name: 'cat/../../evil.png', data: goodPng(7) }, d1, d2],
    ["leaves the archive ('../')"],
  );
  skip(
    'absolute',
    "a member named '/etc/cat/x.png'",
    [c1, c2, d1, { name: '/etc/cat/x.png', data: goodPng(7) }, d2],
    ['/etc/cat/x.png', 'absolute member path'],
  );
  skip(
    'long-name-huge',
    'a GNU long-name record of 1 MiB',
    [
      c1,
      c2,
      { name: '././@LongLink', type: 'L', data: new Uint8Array(2 ** 20).fill(65) },
      { name: 'cat/short.png', data: goodPng(8) },
      d1,
      d2,
    ],
    ['long-name record'],
    [...GOOD_KEYS.slice(0, 2), 'cat/short.png', ...GOOD_KEYS.slice(2)],
  );
  {
    // WebDataset-style shard: labels in .cls/.json members; one .json is not JSON.
    const members: TarMember[] = [];
    ['a1', 'a2', 'b1', 'b2', 'bad'].forEach((key, i) => {
      members.push({ name: `${key}.png`, data: goodPng(i) });
      const label =
        key === 'bad' ? '{"label": ' : JSON.stringify({ label: key.startsWith('a') ? 'ant' : 'bee' });
      members.push({ name: `${key}.json`, data: new TextEncoder().encode(label) });
    });
    skip(
      'label-json',
      'a WebDataset label member that is not valid JSON',
      members,
      ['bad.png', 'invalid JSON'],
      ['a1.png', 'a2.png', 'b1.png', 'b2.png'],
    );
    const big = members.map((m) =>
      m.name === 'bad.json' ? { ...m, data: new TextEncoder().encode(`"${'x'.repeat(200_000)}"`) } : m,
    );
    skip(
      'label-huge',
      'a 200 KB label member',
      big,
      ['bad.png', 'not a label'],
      ['a1.png', 'a2.png', 'b1.png', 'b2.png'],
    );
  }
  {
    const caseDir = join(dir, 'not-a-tar');
    mkdirSync(caseDir, { recursive: true });
    const shard = join(caseDir, 'junk.tar');
    writeFileSync(shard, new Uint8Array(4096).fill(7));
    cases.push({
      id: 'not-a-tar',
      kind: 'archive',
      what: 'a .tar file of junk bytes',
      argv: embedArgs(shard, join(caseDir, 'f.npy')),
      outcome: 'error',
      mentions: ['TarError', 'junk.tar'],
    });
  }
  {
    const whole = tar([c1, c2, d1, d2, bad({ data: new Uint8Array(5000).fill(1) })]);
    const caseDir = join(dir, 'truncated');
    mkdirSync(caseDir, { recursive: true });
    const shard = join(caseDir, 'cut.tar');
    writeFileSync(shard, whole.subarray(0, whole.length - 1024 - 2000));
    const out = join(caseDir, 'feats.npy');
    cases.push({
      id: 'truncated',
      kind: 'archive',
      what: 'a shard cut inside its last member',
      argv: embedArgs(shard, out),
      outcome: 'skip',
      mentions: ['cat/bad.png', 'runs past the end'],
      out,
      rows: GOOD_KEYS,
    });
  }
  return cases;
}
