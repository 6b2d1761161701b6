// The compare view as data: per run, dataset and probe, a models × models matrix of the paired tests
// (row model against column model): who is better where the Holm-corrected p is under 0.05, else "no
// significant difference". Pure; src/app/components/CompareView.tsx renders it.

import { probeName } from '../record/table.ts';
import type { ComparisonTest, MetricName, ResultRecord } from '../record/types.ts';
import { findComparison, SIGNIFICANCE_LEVEL } from './significance.ts';

export type Verdict = 'better' | 'worse' | 'same';

export interface MatrixCell {
  verdict: Verdict;
  /** metric(row) − metric(column). */
  difference: number;
  pValue: number;
  pHolm: number;
  /** e.g. "better, p = 0.003" (Holm-corrected p). */
  text: string;
}

export interface CompareMatrix {
  key: string;
  title: string;
  test: ComparisonTest;
  models: { id: string; name: string }[];
  /** cells[row][column]; null on the diagonal and where a pair was not tested. */
  cells: (MatrixCell | null)[][];
}

const TEST_LABEL: Record<ComparisonTest, string> = {
  'mcnemar-exact': "McNemar's exact test on per-image correctness",
  'paired-bootstrap': 'paired bootstrap over test images',
  'paired-t': 'paired t-test (over few-shot episodes, or images for attentive diffusion)',
};

export function testLabel(test: ComparisonTest): string {
  return TEST_LABEL[test];
}

/** p-values for people: "p < 0.001" below, else "p = 0.012" (the same everywhere the lab shows one). */
export function formatP(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

export function compareMatrices(records: ResultRecord[]): CompareMatrix[] {
  const out: CompareMatrix[] = [];
  records.forEach((record, run) => {
    const groups = new Map<
      string,
      { dataset: string; probe: string; metric: MetricName; test: ComparisonTest }
    >();
    for (const c of record.comparisons ?? []) {
      const key = JSON.stringify([c.dataset, c.probe, c.metric]);
      if (!groups.has(key))
        groups.set(key, { dataset: c.dataset, probe: c.probe, metric: c.metric, test: c.test });
    }
    for (const [key, column] of groups) {
      const inGroup = new Set(
        (record.comparisons ?? [])
          .filter(
            (c) => c.dataset === column.dataset && c.probe === column.probe && c.metric === column.metric,
          )
          .flatMap((c) => c.models),
      );
      const models = record.models.filter((m) => inGroup.has(m.id)).map((m) => ({ id: m.id, name: m.name }));
      const cells = models.map((row) =>
        models.map((col) => (row.id === col.id ? null : matrixCell(record, column, row.id, col.id))),
      );
      const runLabel = records.length > 1 ? ` (run ${run + 1})` : '';
      out.push({
        key: `${run}|${key}`,
        title: `${column.dataset} · ${probeName(column.probe)}${runLabel}`,
        test: column.test,
        models,
        cells,
      });
    }
  });
  return out;
}

function matrixCell(
  record: ResultRecord,
  column: { dataset: string; probe: string; metric: MetricName },
  row: string,
  col: string,
): MatrixCell | null {
  const found = findComparison(record, column, row, col);
  if (found === null) return null;
  const { comparison: c, flipped } = found;
  const difference = flipped ? -c.difference : c.difference;
  const higherIsBetter = !['ece', 'nll', 'mse'].includes(column.metric);
  const rowAhead = higherIsBetter ? difference > 0 : difference < 0;
  const verdict: Verdict =
    c.pHolm >= SIGNIFICANCE_LEVEL || difference === 0 ? 'same' : rowAhead ? 'better' : 'worse';
  const words = verdict === 'same' ? 'no significant difference' : verdict;
  return { verdict, difference, pValue: c.pValue, pHolm: c.pHolm, text: `${words}, ${formatP(c.pHolm)}` };
}
