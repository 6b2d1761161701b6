// The kNN probe against a numpy implementation of DINO's weighted vote (scripts/fixtures/knn_reference.py) on
// three real feature sets: scikit-learn's digit pixels, Fashion-MNIST PCA features, and an embedded zoo model's
// features on a demo dataset. Both sides break ties by the same documented rule (core/probes/knn-vote.ts).
// 1. Given the lab's own float32 similarities, numpy's predictions equal the lab's EXACTLY, for every test
//    image and every k (the vote, ranking and tie rules are the same computation).
// 2. From numpy's own float64 similarities, predictions are equal wherever the reference says no float32
//    error could change them (see the script for the bound); only "near tie" images may differ.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../../core/npy.ts';
import { initBackend } from '../backend.ts';
import { type MatMulRoute, setMatMulRoute } from './device-matrix.ts';
import { knnProbe, similarityChunks } from './knn.ts';
import {
  classCount,
  featureSetDirs,
  loadSplit,
  MODEL_FEATURE_SETS,
  pixelFeatureSetDirs,
  sklearnMissingReason,
} from './test-fixtures.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const skipReason = sklearnMissingReason();
if (skipReason) console.warn(`\n!!! kNN parity ${skipReason}\n`);

const K = [10, 20, 100, 200];
const T = 0.07;

interface Reference {
  k: number[];
  predictions: number[][];
  nearTie: boolean[][];
  accuracy: number[];
}

function runReference(dir: string, out: string, sims?: string): Reference {
  const args = [
    join(ROOT, 'scripts/fixtures/knn_reference.py'),
    dir,
    '--k',
    K.join(','),
    '--temperature',
    `${T}`,
  ];
  if (sims) args.push('--sims', sims);
  const r = spawnSync('/usr/bin/python3', [...args, '--out', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`knn_reference.py failed:\n${r.stderr}`);
  return JSON.parse(readFileSync(out, 'utf8')) as Reference;
}

/** digits-pixels, fashion-pca, and the supervised zoo model's features on fashion-mnist-test. */
function sets(): string[] {
  const pixel = pixelFeatureSetDirs();
  const model = featureSetDirs().find((d) => basename(d).startsWith(MODEL_FEATURE_SETS[0].model))!;
  return [pixel[0], pixel[2], model];
}

const ROUTES: MatMulRoute[] = ['wasm-gemm', 'tfjs'];

describe.skipIf(skipReason !== null).sequential('kNN vs numpy (DINO weighted vote)', () => {
  let dirs: string[] = [];
  beforeAll(async () => {
    await initBackend('wasm');
    dirs = sets();
  }, 600_000);

  for (const route of ROUTES) {
    it(`equals numpy's vote exactly on the lab's own similarities (${route} products), three feature sets`, async () => {
      setMatMulRoute(route);
      try {
        for (const dir of dirs) {
          const train = loadSplit(dir, 'train');
          const test = loadSplit(dir, 'test');
          const result = await knnProbe(train, test, {
            k: K,
            temperature: T,
            nClasses: classCount(train, test),
          });
          expect(result.matMul.startsWith(route)).toBe(true);
          // The same similarities, assembled as n_train × n_test for numpy.
          const sims = new Float32Array(train.n * test.n);
          await similarityChunks(train, test, 256, (chunk, from, to) => {
            const w = to - from;
            for (let j = 0; j < train.n; j++)
              for (let t = 0; t < w; t++) sims[j * test.n + from + t] = chunk[j * w + t];
          });
          const work = join(ROOT, '.cache/knn-parity', `${basename(dir)}-${route}`);
          mkdirSync(work, { recursive: true });
          const simsPath = join(work, 'sims.npy');
          writeFileSync(simsPath, writeNpy(sims, [train.n, test.n]));
          const ref = runReference(dir, join(work, 'ref-lab-sims.json'), simsPath);
          expect(ref.k).toEqual(K);
          result.predictions.forEach((p, i) => {
            expect(Array.from(p), `${basename(dir)} k=${K[i]}`).toEqual(ref.predictions[i]);
          });
          expect(result.accuracy).toEqual(ref.accuracy);
        }
      } finally {
        setMatMulRoute('auto');
      }
    }, 600_000);
  }

  it('agrees with numpy on float64 similarities wherever no float32 error could change the vote', async () => {
    for (const dir of dirs) {
      const train = loadSplit(dir, 'train');
      const test = loadSplit(dir, 'test');
      const result = await knnProbe(train, test, { k: K, temperature: T, nClasses: classCount(train, test) });
      const work = join(ROOT, '.cache/knn-parity', basename(dir));
      mkdirSync(work, { recursive: true });
      const ref = runReference(dir, join(work, 'ref-float64.json'));
      let nearTies = 0;
      result.predictions.forEach((p, i) => {
        for (let t = 0; t < test.n; t++) {
          if (ref.nearTie[i][t]) nearTies++;
          else expect(p[t], `${basename(dir)} k=${K[i]} test image ${t}`).toBe(ref.predictions[i][t]);
        }
      });
      console.info(`${basename(dir)}: ${test.n} test images × ${K.length} k, ${nearTies} near ties (exempt)`);
    }
  }, 600_000);
});
