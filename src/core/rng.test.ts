import { describe, expect, it } from 'vitest';
import { createRng } from './rng.ts';

describe('createRng (mulberry32)', () => {
  it('gives the published mulberry32 sequence (32-bit integer ops only, so the same in every JS engine)', () => {
    // The widely copied reference implementation (bryc/code, PRNGs.md), verbatim apart from types.
    function mulberry32(seed: number): () => number {
      let a = seed;
      return () => {
        a = (a + 0x6d2b79f5) | 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }
    for (const seed of [0, 1, 123456789, 2 ** 32 - 1]) {
      const ours = createRng(seed);
      const ref = mulberry32(seed);
      for (let i = 0; i < 1000; i++) expect(ours.nextFloat()).toBe(ref());
    }
  });

  it('is reproducible per seed and differs between seeds', () => {
    const a = Array.from({ length: 5 }, createRng(42).nextFloat);
    const b = Array.from({ length: 5 }, createRng(42).nextFloat);
    const c = Array.from({ length: 5 }, createRng(43).nextFloat);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('nextInt covers [0, n) roughly uniformly', () => {
    const rng = createRng(7);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 20000; i++) counts[rng.nextInt(10)]++;
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200);
  });

  it('shuffle returns a permutation; choice returns distinct indices', () => {
    const rng = createRng(1);
    const perm = rng.shuffle(Array.from({ length: 50 }, (_, i) => i));
    expect([...perm].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const pick = rng.choice(20, 20);
    expect(new Set(pick).size).toBe(20);
    expect(() => rng.choice(3, 4)).toThrow();
  });
});
