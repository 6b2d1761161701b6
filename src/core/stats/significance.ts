// Which "best" is real: the top model of a results column counts as best only when a paired test in the
// same run says it beats that run's runner-up (Holm-corrected p < SIGNIFICANCE_LEVEL) in the direction
// shown. Paired tests exist only within a run, so with several runs on screen each run's best is judged
// against its own runner-up, and marked only if it is also at the top of the whole column (two runs of the
// same models on the same data both mark their best). Columns without a test (calibration) mark nothing.

import type { Comparison, MetricName, ResultRecord } from '../record/types.ts';

export const SIGNIFICANCE_LEVEL = 0.05;

export interface CellRef {
  /** Index of the record (run) the cell comes from. */
  run: number;
  model: string;
  value: number;
}

export interface Significance {
  runnerUp: CellRef;
  comparison: Comparison;
}

/** The test between two models of one record for a (dataset, probe, metric), oriented as (a, b). */
export function findComparison(
  record: ResultRecord,
  column: { dataset: string; probe: string; metric: MetricName },
  a: string,
  b: string,
): { comparison: Comparison; flipped: boolean } | null {
  for (const c of record.comparisons ?? []) {
    if (c.dataset !== column.dataset || c.probe !== column.probe || c.metric !== column.metric) continue;
    if (c.models[0] === a && c.models[1] === b) return { comparison: c, flipped: false };
    if (c.models[0] === b && c.models[1] === a) return { comparison: c, flipped: true };
  }
  return null;
}

/** Per run, its significant best (see significantBest) when that is also at the top of the column. */
export function significantBests(
  records: ResultRecord[],
  column: { dataset: string; probe: string; metric: MetricName },
  cells: CellRef[],
  higherIsBetter: boolean,
): (Significance & { best: CellRef })[] {
  if (cells.length === 0) return [];
  const values = cells.map((c) => c.value);
  const top = higherIsBetter ? Math.max(...values) : Math.min(...values);
  const runs = [...new Set(cells.map((c) => c.run))];
  return runs
    .map((run) =>
      significantBest(
        records,
        column,
        cells.filter((c) => c.run === run),
        higherIsBetter,
      ),
    )
    .filter((s): s is Significance & { best: CellRef } => s !== null && s.best.value === top);
}

/**
 * The significant best of cells from one run: the top cell, when it is alone at the top and the run's paired
 * test against the runner-up says it is better (Holm p < 0.05, difference in its favour).
 */
export function significantBest(
  records: ResultRecord[],
  column: { dataset: string; probe: string; metric: MetricName },
  cells: CellRef[],
  higherIsBetter: boolean,
): (Significance & { best: CellRef }) | null {
  if (cells.length < 2) return null;
  const sorted = [...cells].sort((x, y) => (higherIsBetter ? y.value - x.value : x.value - y.value));
  const [best, runnerUp] = sorted;
  if (best.value === runnerUp.value || best.run !== runnerUp.run) return null;
  const found = findComparison(records[best.run], column, best.model, runnerUp.model);
  if (found === null) return null;
  const { comparison, flipped } = found;
  const bestMinusRunnerUp = flipped ? -comparison.difference : comparison.difference;
  const inFavour = higherIsBetter ? bestMinusRunnerUp > 0 : bestMinusRunnerUp < 0;
  return comparison.pHolm < SIGNIFICANCE_LEVEL && inFavour ? { best, runnerUp, comparison } : null;
}
