// The results table as data: rows = models (one per run when comparing), columns = (dataset, probe)
// with the metric named, cells formatted "87.3 ± 1.2", the best of each column flagged. The UI and the
// CLI render this same model, so both show identical numbers.

import { metricInfo } from '../probes/metrics.ts';
import { descriptorOfScore, hasBest, isHigherBetter, scoreLabel } from '../probes/registry.ts';
import { significantBests } from '../stats/significance.ts';
import { type ComparisonColumn, mergeRecords } from './merge.ts';
import type { MetricName, NotComputed, ResultRecord, Score } from './types.ts';

export interface Column {
  key: string;
  dataset: string;
  probe: string;
  metric: MetricName;
  /** e.g. "linear · top-1 %" (the dataset is the column group, shown above). */
  label: string;
  higherIsBetter: boolean;
}

export interface Cell {
  value: number;
  ci95?: number;
  text: string;
  /** Best (or tied best) in its column; only flagged when a column has two or more values. */
  best: boolean;
  /**
   * Best in its column and significantly better than the runner-up by the run's paired test (Holm p < 0.05,
   * src/core/stats/significance.ts); the only best the UI marks. `pHolm` and `runnerUp` say against what.
   */
  significantlyBest?: { runnerUp: string; pHolm: number; test: string };
  /** The probe's qualifier (registry scoreNote, e.g. how many classes took part), already part of `text`. */
  note?: string;
  score: Score;
}

export interface Row {
  key: string;
  runId: string;
  modelId: string;
  label: string;
  /** Aligned with the table's columns; null where the run has no such score. */
  cells: (Cell | null)[];
  /** Aligned with the columns: why a cell without a score could not be computed, else null. */
  notComputed: (string | null)[];
}

export interface ResultTable {
  columns: Column[];
  rows: Row[];
  warnings: string[];
}

/** What a cell without a number says (the reason goes with it). */
export const NOT_COMPUTED_TEXT = 'not computed';

export function metricLabel(metric: MetricName): string {
  return metricInfo(metric).label;
}

export function isPercentMetric(metric: MetricName): boolean {
  return metricInfo(metric).percent;
}

/** "87.3 ± 1.2" for fractions shown in %; "0.412 ± 0.013" for raw metrics; no "±" without a ci95. */
export function formatScore(score: Pick<Score, 'metric' | 'value' | 'ci95'>): string {
  const percent = isPercentMetric(score.metric);
  const show = (x: number) => (percent ? (100 * x).toFixed(1) : x.toFixed(3));
  return score.ci95 === undefined ? show(score.value) : `${show(score.value)} ± ${show(score.ci95)}`;
}

/** Readable names of score probes, from the registry; unknown ones (other labs, future versions) show as is. */
export function probeName(probe: string): string {
  return scoreLabel(probe);
}

function columnLabel(probe: string, metric: MetricName): string {
  // "calibration (ECE) · ECE %" says ECE twice: name the metric once when the probe already does.
  return metric === 'ece' ? `${probeName(probe)} %` : `${probeName(probe)} · ${metricLabel(metric)}`;
}

export function resultTable(records: ResultRecord[]): ResultTable {
  const view = mergeRecords(records);
  const columns: Column[] = [...view.columns, ...notComputedColumns(records, view.columns)].map((c) => ({
    ...c,
    label: columnLabel(c.probe, c.metric),
    higherIsBetter: isHigherBetter(c.metric),
  }));
  const reasons = notComputedReasons(records);
  const byCell = new Map(view.cells.map((c) => [JSON.stringify([c.rowKey, c.columnKey]), c.score]));
  const rows: Row[] = view.rows.map((r) => ({
    key: r.key,
    runId: r.runId,
    modelId: r.model.id,
    label: r.label,
    cells: columns.map((c) => {
      const score = byCell.get(JSON.stringify([r.key, c.key]));
      return score === undefined ? null : toCell(score);
    }),
    notComputed: columns.map(
      (c) => reasons.get(JSON.stringify([r.runId, r.model.id, c.dataset, c.probe])) ?? null,
    ),
  }));
  for (const [i, c] of columns.entries()) {
    // A descriptive metric (attentive diffusion) has no best to mark.
    if (!hasBest(c.metric)) continue;
    flagBest(rows, i, c.higherIsBetter);
    flagSignificantBest(records, rows, i, c);
  }
  return { columns, rows, warnings: view.warnings };
}

const runIndex = (runId: string) => Number(runId.replace(/^run/, '')) - 1;

function flagSignificantBest(records: ResultRecord[], rows: Row[], column: number, c: Column): void {
  const present = rows.filter((r) => r.cells[column] !== null);
  const refs = present.map((r) => ({
    run: runIndex(r.runId),
    model: r.modelId,
    value: r.cells[column]!.value,
  }));
  for (const found of significantBests(records, c, refs, c.higherIsBetter)) {
    const best = present[refs.indexOf(found.best)];
    const runnerUp = present[refs.indexOf(found.runnerUp)];
    best.cells[column]!.significantlyBest = {
      runnerUp: runnerUp.label,
      pHolm: found.comparison.pHolm,
      test: found.comparison.test,
    };
  }
}

function toCell(score: Score): Cell {
  const note = descriptorOfScore(score.probe)?.scoreNote?.(score) ?? null;
  const text = note === null ? formatScore(score) : `${formatScore(score)} (${note})`;
  const cell: Cell = { value: score.value, text, best: false, score };
  if (note !== null) cell.note = note;
  if (score.ci95 !== undefined) cell.ci95 = score.ci95;
  return cell;
}

function flagBest(rows: Row[], column: number, higherIsBetter: boolean): void {
  const cells = rows.map((r) => r.cells[column]).filter((c): c is Cell => c !== null);
  if (cells.length < 2) return;
  const values = cells.map((c) => c.value);
  const best = higherIsBetter ? Math.max(...values) : Math.min(...values);
  for (const c of cells) c.best = c.value === best;
}

/** Columns for results that no run computed (one class, no test images...), so their reasons show. */
function notComputedColumns(records: ResultRecord[], have: ComparisonColumn[]): ComparisonColumn[] {
  const out: ComparisonColumn[] = [];
  const seen = new Set(have.map((c) => JSON.stringify([c.dataset, c.probe])));
  for (const n of records.flatMap((r) => r.notComputed ?? [])) {
    const at = JSON.stringify([n.dataset, n.probe]);
    if (seen.has(at)) continue;
    seen.add(at);
    const metric = descriptorOfScore(n.probe)?.metrics[0] ?? 'top1';
    out.push({
      key: JSON.stringify([n.dataset, n.probe, metric]),
      dataset: n.dataset,
      probe: n.probe,
      metric,
    });
  }
  return out;
}

function notComputedReasons(records: ResultRecord[]): Map<string, string> {
  const reasons = new Map<string, string>();
  records.forEach((r, i) => {
    for (const n of r.notComputed ?? ([] as NotComputed[]))
      reasons.set(JSON.stringify([`run${i + 1}`, n.model, n.dataset, n.probe]), n.reason);
  });
  return reasons;
}
