import { describe, expect, it } from 'vitest';
import type { DatasetListing } from '../core/types.ts';
import { feasibleFewShot, summariseListing } from './summary.ts';

function listing(): DatasetListing {
  const items = [
    ...Array.from({ length: 30 }, (_, i) => ({
      key: `train/cat/${i}.png`,
      label: 0,
      split: 'train' as const,
      size: 10,
    })),
    ...Array.from({ length: 12 }, (_, i) => ({
      key: `test/cat/${i}.png`,
      label: 0,
      split: 'test' as const,
      size: 10,
    })),
    ...Array.from({ length: 8 }, (_, i) => ({
      key: `train/dog/${i}.png`,
      label: 1,
      split: 'train' as const,
      size: 10,
    })),
    { key: 'val/dog/v.png', label: 1, split: 'val' as const, size: 10 },
  ];
  return {
    name: 'pets',
    classNames: ['cat', 'dog'],
    items,
    issues: [{ key: 'train/cat/notes.txt', action: 'skipped', reason: 'not an image (.txt)' }],
    multiLabel: false,
    fingerprint: 'abc',
  };
}

describe('summariseListing', () => {
  it('counts images per class and split and keeps the skipped files with reasons', () => {
    const s = summariseListing(listing());
    expect(s.total).toBe(51);
    expect(s.splits).toEqual({ train: 38, val: 1, test: 12, unsplit: 0 });
    expect(s.classes).toEqual([
      { name: 'cat', train: 30, val: 0, test: 12, unsplit: 0, total: 42 },
      { name: 'dog', train: 8, val: 1, test: 0, unsplit: 0, total: 9 },
    ]);
    expect(s.issues).toEqual([
      { key: 'train/cat/notes.txt', action: 'skipped', reason: 'not an image (.txt)' },
    ]);
  });

  it('counts a multi-label item once for each of its classes, and plain folders as unsplit', () => {
    const s = summariseListing({
      ...listing(),
      multiLabel: true,
      items: [{ key: 'a.png', label: -1, labels: [0, 1], split: null, size: 1 }],
    });
    expect(s.classes.map((c) => c.unsplit)).toEqual([1, 1]);
    expect(s.splits.unsplit).toBe(1);
  });
});

describe('feasibleFewShot', () => {
  it('keeps only the shot counts for which enough classes have k + queries images', () => {
    const s = summariseListing(listing()); // cat: 42 images, dog: 9
    expect(feasibleFewShot(s, { ways: 5, shots: [5, 20], queries: 15 })).toEqual({ ways: 2, shots: [] });
    expect(feasibleFewShot(s, { ways: 2, shots: [1, 5], queries: 4 })).toEqual({ ways: 2, shots: [1, 5] });
    expect(feasibleFewShot(s, { ways: 2, shots: [1, 5, 20], queries: 4 })).toEqual({
      ways: 2,
      shots: [1, 5],
    });
  });
});
