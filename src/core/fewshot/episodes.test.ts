import { describe, expect, it } from 'vitest';
import { meanAndCi95, sampleEpisodes } from './episodes.ts';

// 6 classes: class 5 has only 10 images, fewer than k + q = 5 + 15.
const labels = Int32Array.from([...Array.from({ length: 150 }, (_, i) => i % 5), ...Array(10).fill(5)]);

describe('sampleEpisodes', () => {
  const spec = { ways: 3, shots: 5, queries: 15, episodes: 50, seed: 4 };

  it('draws n distinct eligible classes and k + q distinct images of each, per episode', () => {
    const set = sampleEpisodes(labels, spec);
    expect(set.classesSkipped).toEqual([5]);
    expect(set.classesUsed).toEqual([0, 1, 2, 3, 4]);
    for (let e = 0; e < spec.episodes; e++) {
      const classes = Array.from(set.classes.subarray(e * 3, e * 3 + 3));
      expect(new Set(classes).size).toBe(3);
      for (let w = 0; w < 3; w++) {
        const sup = Array.from(set.support.subarray((e * 3 + w) * 5, (e * 3 + w + 1) * 5));
        const qry = Array.from(set.query.subarray((e * 3 + w) * 15, (e * 3 + w + 1) * 15));
        expect(new Set([...sup, ...qry]).size).toBe(20);
        for (const r of [...sup, ...qry]) expect(labels[r]).toBe(classes[w]);
      }
    }
  });

  it('is deterministic per seed', () => {
    expect(sampleEpisodes(labels, spec).support).toEqual(sampleEpisodes(labels, spec).support);
    expect(sampleEpisodes(labels, spec).query).not.toEqual(
      sampleEpisodes(labels, { ...spec, seed: 5 }).query,
    );
  });

  it('refuses when too few classes are eligible', () => {
    expect(() => sampleEpisodes(labels, { ...spec, ways: 6 })).toThrow(/only 5 have that/);
  });
});

describe('meanAndCi95', () => {
  it('is 1.96 · population σ / √E', () => {
    const { mean, ci95 } = meanAndCi95([0.5, 0.7, 0.9, 0.7]);
    expect(mean).toBeCloseTo(0.7, 15);
    expect(ci95).toBeCloseTo((1.96 * Math.sqrt(0.02)) / 2, 15);
  });
});
