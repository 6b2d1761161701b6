// A small seeded PRNG (mulberry32) so splits and episodes are identical in Node, browsers and tests.
// Uses only 32-bit integer arithmetic (Math.imul, >>>), which JavaScript defines exactly on every engine.

export interface Rng {
  /** Uniform float in [0, 1), 32 bits of resolution. */
  nextFloat(): number;
  /** Uniform integer in [0, n). */
  nextInt(n: number): number;
  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T>(items: T[]): T[];
  /** `k` distinct indices from [0, n), in draw order (partial Fisher–Yates). */
  choice(n: number, k: number): number[];
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const nextFloat = (): number => nextUint32() / 4294967296;
  const nextInt = (n: number): number => {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`nextInt needs a positive integer, got ${n}`);
    return Math.floor(nextFloat() * n);
  };
  const shuffle = <T>(items: T[]): T[] => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = nextInt(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  };
  const choice = (n: number, k: number): number[] => {
    if (k > n) throw new RangeError(`cannot choose ${k} of ${n} without replacement`);
    const pool = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + nextInt(n - i);
      const tmp = pool[i];
      pool[i] = pool[j];
      pool[j] = tmp;
    }
    return pool.slice(0, k);
  };
  return { nextFloat, nextInt, shuffle, choice };
}
