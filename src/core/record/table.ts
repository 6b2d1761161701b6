// The results table as data: rows = models (one per run when comparing), columns = (dataset, probe)
// with the metric named, cells formatted "87.3 ± 1.2", the best of each column flagged. The UI and the
// CLI render this same model, so both show identical numbers.

import { significantBests } from '../stats/significance.ts';
import { mergeRecords } from './merge.ts';
import type { MetricName, ResultRecord, Score } from './types.ts';
import { FRACTION_METRICS } from './validate.ts';

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
  /** A short qualifier shown with the value, e.g. how many classes took part in few-shot episodes. */
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
}

export interface ResultTable {
  columns: Column[];
  rows: Row[];
  warnings: string[];
}

const METRIC_LABELS: Record<MetricName, string> = {
  top1: 'top-1 %',
  'mean-per-class': 'mean per-class %',
  map11: 'mAP %',
  ece: 'ECE %',
  nll: 'NLL',
  r2: 'R²',
  mse: 'MSE (0–255)',
};

const LOWER_IS_BETTER: readonly MetricName[] = ['ece', 'nll', 'mse'];

export function metricLabel(metric: MetricName): string {
  return METRIC_LABELS[metric];
}

export function isPercentMetric(metric: MetricName): boolean {
  return FRACTION_METRICS.includes(metric);
}

/** "87.3 ± 1.2" for fractions shown in %; "0.412 ± 0.013" for raw metrics; no "±" without a ci95. */
export function formatScore(score: Pick<Score, 'metric' | 'value' | 'ci95'>): string {
  const percent = isPercentMetric(score.metric);
  const show = (x: number) => (percent ? (100 * x).toFixed(1) : x.toFixed(3));
  return score.ci95 === undefined ? show(score.value) : `${show(score.value)} ± ${show(score.ci95)}`;
}

/** Readable names for the probes the pipeline emits; unknown probes (other labs, future versions) show as is. */
const PROBE_NAMES: Record<string, string> = {
  linear: 'linear',
  ece: 'calibration (ECE)',
  'ece-scaled': 'ECE after temperature scaling',
  'colour-readout': 'colour readout',
  'linear-greyscale': 'linear on greyscale',
  'inversion-mse': 'inversion MSE',
};

export function probeName(probe: string): string {
  const fewshot = /^fewshot-(\d+)way-(\d+)shot$/.exec(probe);
  if (fewshot) return `${fewshot[1]}-way ${fewshot[2]}-shot`;
  return PROBE_NAMES[probe] ?? probe;
}

function columnLabel(probe: string, metric: MetricName): string {
  // "calibration (ECE) · ECE %" says ECE twice: name the metric once when the probe already does.
  return metric === 'ece' ? `${probeName(probe)} %` : `${probeName(probe)} · ${metricLabel(metric)}`;
}

export function resultTable(records: ResultRecord[]): ResultTable {
  const view = mergeRecords(records);
  const columns: Column[] = view.columns.map((c) => ({
    ...c,
    label: columnLabel(c.probe, c.metric),
    higherIsBetter: !LOWER_IS_BETTER.includes(c.metric),
  }));
  const byCell = new Map(view.cells.map((c) => [JSON.stringify([c.rowKey, c.columnKey]), c.score]));
  const rows: Row[] = view.rows.map((r) => ({
    key: r.key,
    runId: r.runId,
    modelId: r.model.id,
    label: r.label,
    cells: columns.map((c) => {
      const score = byCell.get(JSON.stringify([r.key, c.key]));
      return score === undefined ? null : toCell(score, classCount(records, r.runId, score.dataset));
    }),
  }));
  for (const [i, c] of columns.entries()) {
    flagBest(rows, i, c.higherIsBetter);
    flagSignificantBest(records, rows, i, c);
  }
  return { columns, rows, warnings: view.warnings };
}

const runIndex = (runId: string) => Number(runId.replace(/^run/, '')) - 1;

function classCount(records: ResultRecord[], runId: string, dataset: string): number | undefined {
  const d = records[runIndex(runId)]?.datasets.find((x) => x.name === dataset);
  return d ? (d.classCount ?? d.classNames.length) : undefined;
}

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

function toCell(score: Score, classes: number | undefined): Cell {
  const cell: Cell = { value: score.value, text: formatScore(score), best: false, score };
  if (score.ci95 !== undefined) cell.ci95 = score.ci95;
  const used = score.extra?.classes;
  if (score.probe.startsWith('fewshot') && used !== undefined) {
    cell.note = classes !== undefined && classes > 0 ? `${used} of ${classes} classes` : `${used} classes`;
  }
  return cell;
}

function flagBest(rows: Row[], column: number, higherIsBetter: boolean): void {
  const cells = rows.map((r) => r.cells[column]).filter((c): c is Cell => c !== null);
  if (cells.length < 2) return;
  const values = cells.map((c) => c.value);
  const best = higherIsBetter ? Math.max(...values) : Math.min(...values);
  for (const c of cells) c.best = c.value === best;
}
