import { describe, expect, it } from 'vitest';
import { planSplits } from './eval-plan.ts';
import type { DatasetItem } from './types.ts';

const item = (key: string, label: number, split: DatasetItem['split']): DatasetItem => ({
  key,
  label,
  split,
  size: 1,
});

describe('planSplits', () => {
  it('uses official train/val/test splits as given', () => {
    const items = [item('a', 0, 'train'), item('b', 1, 'val'), item('c', 0, 'test'), item('d', 1, 'train')];
    expect(planSplits(items, 0)).toEqual({
      train: [0, 3],
      val: [1],
      test: [2],
      pool: [0, 1, 2, 3],
      heldOut: false,
    });
  });

  it('holds out a seeded, stratified quarter of each class when there is no test split', () => {
    const items = Array.from({ length: 40 }, (_, i) => item(`k${i}`, i % 2, null));
    const plan = planSplits(items, 7);
    expect(plan.heldOut).toBe(true);
    expect(plan.val).toBeNull();
    expect(plan.test).toHaveLength(10);
    expect(plan.test.filter((i) => items[i].label === 0)).toHaveLength(5);
    expect(new Set([...plan.train, ...plan.test]).size).toBe(40);
    expect(planSplits(items, 7)).toEqual(plan);
    expect(planSplits(items, 8).test).not.toEqual(plan.test);
  });

  it('never holds out the only image of a class', () => {
    const items = [item('a', 0, null), item('b', 1, null), item('c', 1, null)];
    const plan = planSplits(items, 0);
    expect(plan.train).toContain(0);
    expect(plan.test).toHaveLength(1);
  });
});
