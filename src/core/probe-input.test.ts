import { describe, expect, it } from 'vitest';
import {
  checkFeatures,
  checkTwoClasses,
  listRows,
  nonFiniteRows,
  ProbeInputError,
  remapLabels,
} from './probe-input.ts';

describe('probe inputs', () => {
  it('finds the rows holding NaN or ±Infinity', () => {
    const X = Float32Array.from([
      0,
      1,
      Number.NaN,
      2,
      3,
      4,
      5,
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    ]);
    expect(nonFiniteRows(X, 3, 3)).toEqual([0, 2]);
    expect(nonFiniteRows(new Float32Array(6), 2, 3)).toEqual([]);
  });

  it('lists rows readably, counting past ten', () => {
    expect(listRows([4])).toBe('4');
    expect(listRows([3, 7])).toBe('3 and 7');
    expect(listRows([1, 2, 3])).toBe('1, 2 and 3');
    expect(listRows(Array.from({ length: 13 }, (_, i) => i))).toBe('0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 3 more');
  });

  it('refuses empty sets and non-finite features with a message naming them', () => {
    const set = { name: 'train (a.npy)', X: new Float32Array(0), y: new Int32Array(0), n: 0, d: 4 };
    expect(() => checkFeatures(set)).toThrow(ProbeInputError);
    expect(() => checkFeatures(set)).toThrow('train (a.npy): zero rows');
    const X = Float32Array.from([1, Number.NaN]);
    expect(() => checkFeatures({ ...set, X, y: Int32Array.from([0, 1]), n: 2, d: 1 })).toThrow(
      'train (a.npy): 1 of 2 rows hold NaN or infinite features: row 1 (0-based)',
    );
  });

  it('maps label values to 0..K-1 in ascending order across sets', () => {
    const { labels, original } = remapLabels([Int32Array.from([900, 5, 17, 5]), Int32Array.from([17, -1])]);
    expect(original).toEqual([-1, 5, 17, 900]);
    expect(Array.from(labels[0])).toEqual([3, 1, 2, 1]);
    expect(Array.from(labels[1])).toEqual([2, 0]);
  });

  it('needs two classes, and names the one label there is', () => {
    expect(() => checkTwoClasses('train', Int32Array.from([0, 1]), [5, 17])).not.toThrow();
    expect(() => checkTwoClasses('train', Int32Array.from([1, 1]), [5, 17])).toThrow(
      'train: every row has the same class (label 17)',
    );
  });
});
