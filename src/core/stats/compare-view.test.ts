import { describe, expect, it } from 'vitest';
import { smallRecord } from '../record/fixtures.ts';
import type { Comparison } from '../record/types.ts';
import { compareMatrices } from './compare-view.ts';

const c = (over: Partial<Comparison>): Comparison => ({
  dataset: 'pets',
  probe: 'linear',
  metric: 'top1',
  models: ['sup', 'swav'],
  test: 'mcnemar-exact',
  n: 50,
  difference: 0.039,
  statistic: 2,
  pValue: 0.004,
  pHolm: 0.0004,
  ...over,
});

describe('compareMatrices', () => {
  it('one matrix per (dataset, probe), row against column, both directions', () => {
    const record = {
      ...smallRecord(),
      comparisons: [
        c({}),
        c({ dataset: 'flowers', metric: 'mean-per-class', test: 'paired-bootstrap', pHolm: 0.2 }),
      ],
    };
    const [pets, flowers] = compareMatrices([record]);
    expect(pets.title).toBe('pets · linear');
    expect(pets.models.map((m) => m.name)).toEqual(['Supervised', 'SwAV']);
    expect(pets.cells[0][0]).toBeNull();
    expect(pets.cells[0][1]!.text).toBe('better, p < 0.001');
    expect(pets.cells[1][0]!.text).toBe('worse, p < 0.001');
    expect(pets.cells[1][0]!.difference).toBeCloseTo(-0.039, 15);
    expect(flowers.test).toBe('paired-bootstrap');
    expect(flowers.cells[0][1]!.text).toBe('no significant difference, p = 0.200');
  });

  it('names the run when several are on screen, and shows nothing for records without tests', () => {
    const record = { ...smallRecord(), comparisons: [c({})] };
    expect(compareMatrices([smallRecord(), record]).map((m) => m.title)).toEqual(['pets · linear (run 2)']);
    expect(compareMatrices([smallRecord()])).toEqual([]);
  });
});
