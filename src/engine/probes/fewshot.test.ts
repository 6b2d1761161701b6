// Few-shot probe: batched device computation vs a plain float64 loop over the same episodes, on real features
// (PCA'd digits when scikit-learn is present, else seeded synthetic clusters), on the cpu and wasm backends.

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { meanAndCi95, sampleEpisodes } from '../../core/fewshot/episodes.ts';
import { createRng } from '../../core/rng.ts';
import { initBackend } from '../backend.ts';
import { type FewShotOptions, fewShotProbe } from './fewshot.ts';
import type { FeatureSet } from './linear.ts';
import { FEATURES_DIR, loadSplit, pixelFeatureSetDirs, sklearnMissingReason } from './test-fixtures.ts';

function syntheticClusters(nPerClass: number, classes: number, d: number, seed: number): FeatureSet {
  const rng = createRng(seed);
  const means = Array.from({ length: classes }, () => Array.from({ length: d }, () => rng.nextFloat() * 2));
  const n = nPerClass * classes;
  const X = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % classes;
    for (let j = 0; j < d; j++) X[i * d + j] = means[y[i]][j] + (rng.nextFloat() - 0.5) * 3;
  }
  return { X, y, n, d };
}

function pooledFeatures(): FeatureSet {
  if (sklearnMissingReason()) return syntheticClusters(60, 8, 32, 3);
  pixelFeatureSetDirs();
  const parts = (['train', 'val', 'test'] as const).map((s) => loadSplit(`${FEATURES_DIR}/digits-pca`, s));
  const n = parts.reduce((a, p) => a + p.n, 0);
  return {
    X: Float32Array.from(parts.flatMap((p) => Array.from(p.X))),
    y: Int32Array.from(parts.flatMap((p) => Array.from(p.y))),
    n,
    d: parts[0].d,
  };
}

/** Nearest centroid per episode with plain loops in float64. */
function referenceAccuracies(all: FeatureSet, opts: FewShotOptions, shots: number): number[] {
  const set = sampleEpisodes(all.y, { ...opts, shots });
  const { ways, queries, episodes } = set;
  const d = all.d;
  const row = (r: number) => all.X.subarray(r * d, (r + 1) * d);
  const out: number[] = [];
  for (let e = 0; e < episodes; e++) {
    const protos = Array.from({ length: ways }, (_, w) => {
      const p = new Float64Array(d);
      for (let s = 0; s < shots; s++) {
        const x = row(set.support[(e * ways + w) * shots + s]);
        for (let j = 0; j < d; j++) p[j] += x[j] / shots;
      }
      return p;
    });
    let correct = 0;
    for (let w = 0; w < ways; w++) {
      for (let q = 0; q < queries; q++) {
        const x = row(set.query[(e * ways + w) * queries + q]);
        const dist = protos.map((p) => p.reduce((s, v, j) => s + (x[j] - v) ** 2, 0));
        if (dist.indexOf(Math.min(...dist)) === w) correct++;
      }
    }
    out.push(correct / (ways * queries));
  }
  return out;
}

describe('fewShotProbe', () => {
  const opts: FewShotOptions = { ways: 5, shots: [1, 5, 20], queries: 15, episodes: 120, seed: 0 };
  let all: FeatureSet;
  beforeAll(() => {
    all = pooledFeatures();
  });

  it.each(['cpu', 'wasm'] as const)('equals a plain reference implementation on %s', async (backend) => {
    await initBackend(backend);
    const before = tf.memory().numTensors;
    const results = await fewShotProbe(all, opts);
    expect(tf.memory().numTensors).toBe(before);
    results.forEach((r, i) => {
      const ref = meanAndCi95(referenceAccuracies(all, opts, opts.shots[i]));
      expect(r.shots).toBe(opts.shots[i]);
      expect(Math.abs(r.mean - ref.mean)).toBeLessThan(1e-6);
      expect(Math.abs(r.ci95 - ref.ci95)).toBeLessThan(1e-6);
      expect(r.episodes).toBe(120);
    });
    // More shots make better prototypes on real features.
    expect(results[2].mean).toBeGreaterThan(results[0].mean);
  });

  it('gives the same episodes and accuracies on cpu and wasm', async () => {
    await initBackend('cpu');
    const cpu = await fewShotProbe(all, opts);
    await initBackend('wasm');
    const wasm = await fewShotProbe(all, opts);
    for (const [i, r] of cpu.entries()) expect(wasm[i].episodeAccuracies).toEqual(r.episodeAccuracies);
  });

  it('reports skipped classes and honours cancel', async () => {
    await initBackend('wasm');
    const [r] = await fewShotProbe(all, { ...opts, shots: [5], episodes: 10 });
    expect(r.classesSkipped).toEqual([]);
    expect(r.classesUsed).toBeGreaterThanOrEqual(5);
    await expect(fewShotProbe(all, opts, { cancel: { cancelled: true } })).rejects.toThrow('Cancelled');
  });
});
