import { describe, expect, it } from 'vitest';
import { randomValidationSplit } from './splits.ts';

describe('randomValidationSplit', () => {
  it('holds out floor(20%) of the indices, disjoint from train, covering all', () => {
    const { train, val } = randomValidationSplit(101, 0.2, 3);
    expect(val.length).toBe(20);
    expect(train.length).toBe(81);
    expect(new Set([...train, ...val]).size).toBe(101);
  });

  it('is the first 20% of a seeded shuffle: same seed, same split', () => {
    expect(randomValidationSplit(50, 0.2, 9)).toEqual(randomValidationSplit(50, 0.2, 9));
    expect(randomValidationSplit(50, 0.2, 9).val).not.toEqual(randomValidationSplit(50, 0.2, 10).val);
  });
});
