// Spreading a run over machines: `eval --shard i/n` on three "machines" and `tlab merge` give exactly the
// record of one unsharded run (but for createdAt); the join refuses incomplete or mixed shard sets.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parseShard, shardModels } from '../../core/record/shard.ts';
import { main } from '../main.ts';

const DATA = 'public/datasets/mnist';
const MODELS = 'zoo-supervised-r10n,zoo-simclr-r10n,zoo-byol-r10n,zoo-random-r10n';
const dir = mkdtempSync(join(tmpdir(), 'tlab-shard-'));
const cache = join(dir, 'features'); // shared by every "machine", as the README's recipes share one volume
const common = ['eval', '--data', DATA, '--models', MODELS, '--probes', 'linear,fewshot', '--episodes', '30'];
const read = (f: string) => JSON.parse(readFileSync(f, 'utf8'));
/** Runs the CLI in-process and returns its exit code and what it wrote to stderr. */
async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    const code = await main(args);
    return { code, stderr: spy.mock.calls.map((c) => c.join(' ')).join('\n') };
  } finally {
    spy.mockRestore();
  }
}
const withoutTime = ({ createdAt: _t, shard: _s, ...rest }: Record<string, unknown>) => rest;

describe('shard specs', () => {
  it('parses i/n and refuses anything else', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '1/0', '1', '-1/2', 'a/b', '1/2/3', ' 1 /2'])
      expect(() => parseShard(bad)).toThrow(/--shard must be i\/n/);
  });

  it('gives every model to exactly one shard, in near-equal shares', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const shares = [1, 2, 3].map((index) => shardModels(ids, { index, count: 3 }));
    expect(shares).toEqual([
      ['a', 'd', 'g'],
      ['b', 'e'],
      ['c', 'f'],
    ]);
    expect(shares.flat().sort()).toEqual(ids);
  });
});

describe.sequential('tlab eval --shard i/n + tlab merge', () => {
  const whole = join(dir, 'whole.json');
  const shardFile = (i: number) => join(dir, `shard-${i}.json`);

  it('three shards merged equal one run exactly', async () => {
    expect(await main([...common, '--cache', cache, '--out', whole])).toBe(0);
    for (const i of [1, 2, 3])
      expect(await main([...common, '--cache', cache, '--shard', `${i}/3`, '--out', shardFile(i)])).toBe(0);
    expect(read(shardFile(1)).models.map((m: { id: string }) => m.id)).toEqual([
      'zoo-supervised-r10n',
      'zoo-random-r10n',
    ]);
    const merged = join(dir, 'merged.json');
    // Given in another order than their indices: the join orders by the run's model list.
    expect(await main(['merge', shardFile(3), shardFile(1), shardFile(2), '--out', merged])).toBe(0);
    const a = read(whole);
    const b = read(merged);
    expect(b.scores.length).toBeGreaterThan(0);
    expect(withoutTime(b)).toEqual(withoutTime(a));
    expect(JSON.stringify(withoutTime(b))).toBe(JSON.stringify(withoutTime(a))); // same key order too
  }, 900_000); // four runs of the whole pipeline (the features are computed once: the cache is shared)

  it('refuses a missing shard, a repeated one, an existing --out and shards of another run', async () => {
    const out = join(dir, 'refused.json');
    const other = read(shardFile(2));
    other.seed = 7;
    writeFileSync(join(dir, 'other.json'), JSON.stringify(other));
    const cases: [string[], number, RegExp][] = [
      [[shardFile(1), shardFile(2)], 1, /shard\(s\) 3\/3 missing/],
      [[shardFile(1), shardFile(1), shardFile(2)], 1, /given twice/],
      [[shardFile(1), join(dir, 'other.json'), shardFile(3)], 1, /from another run/],
      [[whole], 1, /not a shard's record/],
    ];
    for (const [files, code, message] of cases) {
      const r = await cli(['merge', ...files, '--out', out]);
      expect(r.code).toBe(code);
      expect(r.stderr).toMatch(message);
    }
    const clobber = await cli(['merge', shardFile(1), shardFile(2), shardFile(3), '--out', whole]);
    expect(clobber.code).toBe(2);
    expect(clobber.stderr).toMatch(/already exists \(pass --force/);
  });
});
