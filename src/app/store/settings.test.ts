import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../core/probes/registry.ts';
import { summariseListing } from '../../worker/summary.ts';
import { planRun } from './settings.ts';

function summary(perClass: number[]) {
  const items = perClass.flatMap((n, label) =>
    Array.from({ length: n }, (_, i) => ({ key: `c${label}/${i}.png`, label, split: null, size: 1 })),
  );
  return summariseListing({
    name: 'set',
    classNames: perClass.map((_, i) => `c${i}`),
    items,
    issues: [],
    multiLabel: false,
    fingerprint: 'x',
  });
}

describe('planRun', () => {
  it('keeps the protocol settings when the dataset supports them', () => {
    const plan = planRun(summary([40, 40, 40, 40, 40, 40]), ['linear', 'fewshot']);
    expect(plan).toEqual({ probes: ['linear', 'fewshot'], settings: DEFAULT_SETTINGS, notes: [] });
  });

  it('keeps the shot counts the dataset is too small for (they come back "not computed") and says so', () => {
    const plan = planRun(summary([25, 25, 25, 25, 25]), ['linear', 'fewshot']);
    expect(plan.settings.fewshot.shots).toEqual([5, 20]);
    expect(plan.notes).toEqual(['20-shot will not be computed: too few classes have k + 15 images']);
  });

  it('narrows the ways to the number of classes', () => {
    const plan = planRun(summary([40, 40, 40]), ['fewshot']);
    expect(plan.settings.fewshot.ways).toBe(3);
    expect(plan.notes[0]).toMatch(/3-way/);
  });

  it('keeps few-shot when no class is large enough: the record says why it was not computed', () => {
    const plan = planRun(summary([10, 10, 10]), ['linear', 'fewshot']);
    expect(plan.probes).toEqual(['linear', 'fewshot']);
    expect(plan.notes[1]).toMatch(/^5, 20-shot will not be computed/);
  });
});
