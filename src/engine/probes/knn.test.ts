// The kNN probe's progress (chunks of test images, with a rate and an ETA) and cancel (between chunks).

import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.ts';
import { CancelledError, type Progress } from '../../core/types.ts';
import { initBackend } from '../backend.ts';
import { knnProbe } from './knn.ts';

function set(n: number, seed: number) {
  const rng = createRng(seed);
  const d = 8;
  const y = Int32Array.from({ length: n }, (_, i) => i % 4);
  const X = Float32Array.from(
    { length: n * d },
    (_, j) => (j % d === y[Math.floor(j / d)] ? 1 : 0) + rng.nextFloat(),
  );
  return { X, y, n, d };
}

describe('kNN progress and cancel', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('reports progress per chunk of test images, ending at the total', async () => {
    const seen: Progress[] = [];
    const r = await knnProbe(
      set(200, 1),
      set(100, 2),
      { k: [5, 20], temperature: 0.07, nClasses: 4, chunk: 32 },
      {
        onProgress: (p) => seen.push(p),
      },
    );
    expect(seen.map((p) => p.done)).toEqual([32, 64, 96, 100]);
    expect(seen.every((p) => p.total === 100 && p.stage === 'kNN')).toBe(true);
    // A rate and an ETA once more than one chunk is done (the first carries the warm-up).
    expect(seen.at(-1)!.etaSeconds).toBe(0);
    expect(r.accuracy.every((a) => a > 0.5)).toBe(true);
  });

  it('stops with CancelledError at the next chunk once cancelled', async () => {
    const token = { cancelled: false };
    const seen: number[] = [];
    const run = knnProbe(
      set(200, 3),
      set(100, 4),
      { k: [5], temperature: 0.07, nClasses: 4, chunk: 16 },
      {
        cancel: token,
        onProgress: (p) => {
          seen.push(p.done);
          if (p.done >= 32) token.cancelled = true;
        },
      },
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(seen).toEqual([16, 32]);
  });
});
