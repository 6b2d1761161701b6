// `tlab probe knn` end to end on small seeded .npy files: the JSON's testScore is top-1 at k = 20, the curve
// is that of a plain float64 brute-force weighted vote written here, k is capped at the train size and said
// so; NaN rows and single-class labels are refused with the rows and the reason named.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { writeNpy } from '../../core/npy.ts';
import { createRng } from '../../core/rng.ts';
import { probeKnnCommand } from './probe-knn.ts';

const DIR = resolve(import.meta.dirname, '../../../.cache/probe-knn-cli-test');

function makeSet(n: number, seed: number, opts: { classes?: number; nanRows?: number[] } = {}) {
  const rng = createRng(seed);
  const classes = opts.classes ?? 3;
  const X = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % classes;
    for (let j = 0; j < 4; j++) X[i * 4 + j] = (j === y[i] ? 2 : 0) + rng.nextFloat() - 0.5;
  }
  for (const r of opts.nanRows ?? []) X[r * 4 + 1] = Number.NaN;
  return { X, y, n };
}

function write(name: string, set: ReturnType<typeof makeSet>): string[] {
  const x = join(DIR, `${name}_X.npy`);
  const y = join(DIR, `${name}_y.npy`);
  writeFileSync(x, writeNpy(set.X, [set.n, 4]));
  writeFileSync(y, writeNpy(set.y, [set.n]));
  return [x, y];
}

/** Float64 cosine similarities, sort by (similarity desc, row asc), exp(sim / T) votes: the plain definition. */
function bruteForce(
  train: ReturnType<typeof makeSet>,
  test: ReturnType<typeof makeSet>,
  k: number,
  T: number,
) {
  const unit = (s: typeof train, i: number) => {
    const v = Array.from(s.X.subarray(i * 4, i * 4 + 4));
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
  let correct = 0;
  for (let t = 0; t < test.n; t++) {
    const q = unit(test, t);
    const sims = Array.from({ length: train.n }, (_, j) => ({
      j,
      s: unit(train, j).reduce((a, x, l) => a + x * q[l], 0),
    }));
    sims.sort((a, b) => b.s - a.s || a.j - b.j);
    const votes = new Float64Array(3);
    for (const { j, s } of sims.slice(0, k)) votes[train.y[j]] += Math.exp(s / T);
    if (votes.indexOf(Math.max(...votes)) === test.y[t]) correct++;
  }
  return correct / test.n;
}

describe('tlab probe knn', () => {
  mkdirSync(DIR, { recursive: true });
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);

  it('writes testScore (top-1 at k = 20) and the curve over k, with k capped at the train size', async () => {
    const train = makeSet(90, 1);
    const test = makeSet(60, 2);
    const out = join(DIR, 'knn.json');
    const code = await probeKnnCommand.run([
      '--train',
      ...write('train', train),
      '--test',
      ...write('test', test),
      '--backend',
      'cpu',
      '--out',
      out,
    ]);
    expect(code).toBe(0);
    const r = JSON.parse(readFileSync(out, 'utf8'));
    expect(r.k).toBe(20);
    expect(r.curve.map((p: { k: number; kUsed: number }) => [p.k, p.kUsed])).toEqual([
      [10, 10],
      [20, 20],
      [100, 90],
      [200, 90],
    ]);
    // Well-separated classes: no near ties, so float32 vs float64 similarities cannot change a vote here.
    for (const p of r.curve) expect(p.top1).toBe(bruteForce(train, test, p.kUsed, 0.07));
    expect(r.testScore).toBe(r.curve[1].top1);
    expect(r.testScore).toBeGreaterThan(0.9);
  });

  it('refuses NaN rows by number, and a single class in train, with the reason', async () => {
    const train = write('nan_train', makeSet(30, 3, { nanRows: [4, 17] }));
    const test = write('nan_test', makeSet(12, 4));
    await expect(probeKnnCommand.run(['--train', ...train, '--test', ...test])).rejects.toThrow(
      /nan_train_X\.npy\): 2 of 30 rows hold NaN or infinite features: rows 4 and 17/,
    );
    const one = write('one_train', makeSet(30, 5, { classes: 1 }));
    await expect(probeKnnCommand.run(['--train', ...one, '--test', ...test])).rejects.toThrow(
      /kNN not computed: it needs images of two or more classes in train; train has 1/,
    );
  });
});
