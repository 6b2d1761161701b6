import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { map11 } from '../../core/metrics/voc.ts';
import { createRng } from '../../core/rng.ts';
import { initBackend } from '../backend.ts';
import { type MultiLabelSet, multiLabelLinearProbe } from './multilabel.ts';

/** k labels; label c is on when feature c + noise > 0.5, so each label is (noisily) linearly decodable. */
function multiLabelData(n: number, d: number, k: number, seed: number): MultiLabelSet {
  const rng = createRng(seed);
  const X = Float32Array.from({ length: n * d }, () => rng.nextFloat());
  const Y = new Uint8Array(n * k);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < k; c++) Y[i * k + c] = X[i * d + c] + 0.3 * (rng.nextFloat() - 0.5) > 0.5 ? 1 : 0;
  return { X, Y, n, d };
}

describe('multiLabelLinearProbe (VOC07 protocol mechanics)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('sweeps C on validation mAP and scores test by 11-point mAP, far above chance', async () => {
    const k = 3;
    const train = multiLabelData(200, 5, k, 1);
    const test = multiLabelData(150, 5, k, 2);
    const before = tf.memory().numTensors;
    const r = await multiLabelLinearProbe(train, null, test, { mode: 'paper', nClasses: k, seed: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.valScores).toHaveLength(45);
    expect(r.settings.validation).toEqual({ kind: 'random', fraction: 0.2, seed: 0 });
    expect(r.testScore).toBeCloseTo(map11(r.testScores, test.Y, test.n, k), 12);
    // Random scores would give mAP ≈ the positive rate (≈ 0.5); decodable labels give far more.
    expect(r.testScore).toBeGreaterThan(0.9);
    expect(r.chosenLog10C).toBe(r.settings.log10C[r.valScores.indexOf(Math.max(...r.valScores))]);
  });
});
