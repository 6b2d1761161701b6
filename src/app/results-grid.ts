// The results table as data: rows = models (per run when comparing runs), columns = (dataset, probe, metric).
// Pure, so the table's content is tested without a browser; ResultsTable only renders it.

import type { MetricName, ResultRecord, Score } from '../core/record/types.ts';

export interface GridColumn {
  key: string;
  dataset: string;
  probe: string;
  /** e.g. "linear · top-1 %" — the metric is always named. */
  label: string;
}

export interface GridCell {
  text: string;
  value: number;
  best: boolean;
}

export interface GridRow {
  key: string;
  model: string;
  /** Which run the row comes from, when several runs are compared; '' otherwise. */
  run: string;
  cells: (GridCell | null)[];
}

const METRIC_LABEL: Record<MetricName, string> = {
  top1: 'top-1 %',
  'mean-per-class': 'mean per-class %',
  map11: 'mAP %',
  ece: 'ECE %',
  nll: 'NLL',
  r2: 'R²',
};

const PERCENT: ReadonlySet<MetricName> = new Set(['top1', 'mean-per-class', 'map11', 'ece']);
const LOWER_IS_BETTER: ReadonlySet<MetricName> = new Set(['ece', 'nll']);

export function probeLabel(probe: string): string {
  const fewshot = /^fewshot-(\d+)way-(\d+)shot$/.exec(probe);
  return fewshot ? `${fewshot[1]}-way ${fewshot[2]}-shot` : probe;
}

export function formatScore(score: Pick<Score, 'metric' | 'value' | 'ci95'>): string {
  const scale = PERCENT.has(score.metric) ? 100 : 1;
  const digits = scale === 100 ? 1 : 3;
  const value = (score.value * scale).toFixed(digits);
  return score.ci95 === undefined ? value : `${value} ± ${(score.ci95 * scale).toFixed(digits)}`;
}

function runLabel(r: ResultRecord): string {
  return `${r.createdAt.slice(0, 16).replace('T', ' ')} · ${r.backend}`;
}

function columnKey(s: Score): string {
  return JSON.stringify([s.dataset, s.probe, s.metric]);
}

function columnsOf(records: ResultRecord[]): GridColumn[] {
  const columns = new Map<string, GridColumn>();
  for (const s of records.flatMap((r) => r.scores)) {
    const key = columnKey(s);
    if (!columns.has(key)) {
      const label = `${probeLabel(s.probe)} · ${METRIC_LABEL[s.metric]}`;
      columns.set(key, { key, dataset: s.dataset, probe: s.probe, label });
    }
  }
  return [...columns.values()];
}

function markBest(rows: GridRow[], columns: GridColumn[], metricOf: (col: number) => MetricName): void {
  columns.forEach((_, col) => {
    const cells = rows.map((r) => r.cells[col]).filter((c): c is GridCell => c !== null);
    if (cells.length < 2) return;
    const lower = LOWER_IS_BETTER.has(metricOf(col));
    const best = cells.reduce(
      (a, b) => (lower ? Math.min(a, b.value) : Math.max(a, b.value)),
      lower ? Infinity : -Infinity,
    );
    for (const c of cells) c.best = c.value === best;
  });
}

export function resultGrid(records: ResultRecord[]): { columns: GridColumn[]; rows: GridRow[] } {
  const columns = columnsOf(records);
  const index = new Map(columns.map((c, i) => [c.key, i]));
  const metrics: MetricName[] = [];
  const rows = records.flatMap((record, r) =>
    record.models.map((model) => {
      const cells: (GridCell | null)[] = columns.map(() => null);
      for (const s of record.scores.filter((x) => x.model === model.id)) {
        const col = index.get(columnKey(s))!;
        metrics[col] = s.metric;
        cells[col] = { text: formatScore(s), value: s.value, best: false };
      }
      const run = records.length > 1 ? runLabel(record) : '';
      return { key: `${r}:${model.id}`, model: model.name, run, cells };
    }),
  );
  markBest(rows, columns, (col) => metrics[col]);
  return { columns, rows };
}
