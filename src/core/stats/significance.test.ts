import { describe, expect, it } from 'vitest';
import { smallRecord } from '../record/fixtures.ts';
import { resultTable } from '../record/table.ts';
import type { Comparison, ResultRecord } from '../record/types.ts';

// smallRecord: pets linear top-1 sup 0.915 vs swav 0.876; flowers mean-per-class sup 0.873 vs swav 0.9112.
const test = (over: Partial<Comparison>): Comparison => ({
  dataset: 'pets',
  probe: 'linear',
  metric: 'top1',
  models: ['sup', 'swav'],
  test: 'mcnemar-exact',
  n: 50,
  difference: 0.039,
  statistic: 2,
  pValue: 0.01,
  pHolm: 0.01,
  ...over,
});

const marks = (record: ResultRecord) =>
  resultTable([record]).rows.map((r) =>
    r.cells.map((c) => (c?.significantlyBest ? c.significantlyBest.pHolm : null)),
  );

describe('significance marks in the results table', () => {
  it('marks the best only where the paired test says it beats the runner-up (Holm p < 0.05)', () => {
    const record: ResultRecord = {
      ...smallRecord(),
      comparisons: [
        test({}),
        test({
          dataset: 'flowers',
          metric: 'mean-per-class',
          test: 'paired-bootstrap',
          models: ['swav', 'sup'],
          difference: 0.0382,
          pValue: 0.03,
          pHolm: 0.06,
        }),
      ],
    };
    // columns: flowers linear, pets linear, pets 5-shot, pets 20-shot
    expect(marks(record)).toEqual([
      [null, 0.01, null, null],
      [null, null, null, null],
    ]);
    const best = resultTable([record]).rows[0].cells[1]!.significantlyBest!;
    expect(best).toEqual({ runnerUp: 'SwAV', pHolm: 0.01, test: 'mcnemar-exact' });
  });

  it('finds the test whichever way round it was stored, and ignores one whose difference disagrees', () => {
    const flipped = {
      ...smallRecord(),
      comparisons: [test({ models: ['swav', 'sup'], difference: -0.039 })],
    };
    expect(marks(flipped)[0][1]).toBe(0.01);
    const wrongWay = { ...smallRecord(), comparisons: [test({ difference: -0.039 })] };
    expect(marks(wrongWay)[0][1]).toBeNull();
  });

  it('marks nothing without comparisons (older records) or across runs', () => {
    expect(
      marks(smallRecord())
        .flat()
        .every((x) => x === null),
    ).toBe(true);
    const a = { ...smallRecord(), comparisons: [test({})] };
    const b = { ...smallRecord(), createdAt: '2026-11-27T08:00:00.000Z', comparisons: [test({})] };
    // Two runs: the best (sup, run 1 and run 2 tie at the top) is not alone: no mark.
    expect(
      resultTable([a, b])
        .rows.flatMap((r) => r.cells)
        .some((c) => c?.significantlyBest),
    ).toBe(false);
  });

  it('few-shot cells say how many classes took part', () => {
    const r = smallRecord();
    r.scores[4] = { ...r.scores[4], extra: { episodes: 100, classes: 1 } };
    expect(resultTable([r]).rows[0].cells[2]!.note).toBe('1 of 2 classes');
  });
});
