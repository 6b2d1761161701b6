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

  it('marks nothing without comparisons (older records)', () => {
    expect(
      marks(smallRecord())
        .flat()
        .every((x) => x === null),
    ).toBe(true);
  });

  it('with several runs, judges each run against its own runner-up and marks only the column top', () => {
    const a = { ...smallRecord(), comparisons: [test({})] };
    const b = { ...smallRecord(), createdAt: '2026-11-27T08:00:00.000Z', comparisons: [test({})] };
    // The same run twice: both runs' sup cells are at the top and each beats its own run's swav.
    const rows = resultTable([a, b]).rows;
    expect(rows.map((r) => [r.label, r.cells[1]?.significantlyBest?.runnerUp ?? null])).toEqual([
      ['Supervised (2026-11-26 08:00 · wasm)', 'SwAV (2026-11-26 08:00 · wasm)'],
      ['Supervised (2026-11-27 08:00 · wasm)', 'SwAV (2026-11-27 08:00 · wasm)'],
      ['SwAV (2026-11-26 08:00 · wasm)', null],
      ['SwAV (2026-11-27 08:00 · wasm)', null],
    ]);
    // A later run whose best is lower than the other run's best marks nothing.
    const lower = structuredClone(b);
    lower.scores[2].value = 0.9;
    const marked = resultTable([a, lower]).rows.filter((r) => r.cells[1]?.significantlyBest);
    expect(marked.map((r) => r.label)).toEqual(['Supervised (2026-11-26 08:00 · wasm)']);
  });

  it('few-shot cells say how many classes took part', () => {
    const r = smallRecord();
    r.scores[4] = { ...r.scores[4], extra: { episodes: 100, classes: 1, classesTotal: 2 } };
    expect(resultTable([r]).rows[0].cells[2]!.note).toBe('1 of 2 classes');
  });
});
