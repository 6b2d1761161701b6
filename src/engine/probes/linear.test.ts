import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.ts';
import type { Progress } from '../../core/types.ts';
import { initBackend } from '../backend.ts';
import { type FeatureSet, linearProbe, sweepC, sweepLog10C } from './linear.ts';

/** Seeded Gaussian-ish blobs: class c has mean 2·e_c in the first dimensions plus uniform noise. */
function blobs(n: number, d: number, k: number, seed: number): FeatureSet {
  const rng = createRng(seed);
  const X = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.nextInt(k);
    for (let j = 0; j < d; j++) X[i * d + j] = (j === y[i] ? 2 : 0) + (rng.nextFloat() - 0.5) * 3;
  }
  return { X, y, n, d };
}

describe('linearProbe', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('sweeps C = 1/wd for wd = logspace(-6, 5, 45) in float32, from 1e6 down', () => {
    const log10C = sweepLog10C();
    expect(log10C).toHaveLength(45);
    expect(log10C[0]).toBeCloseTo(6, 6);
    expect(log10C[44]).toBeCloseTo(-5, 6);
    expect(sweepC()[0]).toBe(1 / Math.fround(1e-6));
  });

  it('holds out a seeded 20% of train when no validation set is given, and reports every C', async () => {
    const train = blobs(300, 6, 3, 1);
    const test = blobs(200, 6, 3, 2);
    const progress: Progress[] = [];
    const before = tf.memory().numTensors;
    const r = await linearProbe(
      train,
      null,
      test,
      { mode: 'paper', metric: 'mean-per-class', nClasses: 3, seed: 5 },
      { onProgress: (p) => progress.push(p) },
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(r.settings.validation).toEqual({ kind: 'random', fraction: 0.2, seed: 5 });
    expect(r.valLabels).toHaveLength(60);
    expect(r.valScores).toHaveLength(45);
    expect(progress).toHaveLength(46);
    expect(progress[45].done).toBe(46);
    expect(r.testLogits).toHaveLength(200 * 3);
    expect(r.confusion.flat().reduce((a, b) => a + b, 0)).toBe(200);
    // Separable-ish blobs: the chosen C must do clearly better than chance.
    expect(r.testScore).toBeGreaterThan(0.6);
    // Strict >: the chosen index is the FIRST with the best validation score.
    const best = Math.max(...r.valScores);
    expect(r.chosenLog10C).toBe(r.settings.log10C[r.valScores.indexOf(best)]);
  });

  it('throws CancelledError when cancelled', async () => {
    const train = blobs(100, 4, 2, 3);
    await expect(
      linearProbe(
        train,
        null,
        train,
        { mode: 'converged', metric: 'top1', nClasses: 2, seed: 0 },
        { cancel: { cancelled: true } },
      ),
    ).rejects.toThrow('Cancelled');
  });
});
