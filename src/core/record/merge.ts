// Comparing runs: several ResultRecords (from different machines, backends or days) merged into one
// view where the same (model, dataset, probe) from different runs stays apart, labelled by its run.

import type { MetricName, RecordDataset, RecordModel, ResultRecord, Score } from './types.ts';

export interface RunInfo {
  /** Stable within one view: 'run1', 'run2', … in input order. */
  id: string;
  /** Human label, e.g. "2026-11-26 07:50 · webgpu" (made unique with "#2" when needed). */
  label: string;
  createdAt: string;
  backend: string;
  labVersion: string;
}

/** One row of a comparison: a model as measured in one run. */
export interface RunModel {
  key: string;
  runId: string;
  model: RecordModel;
  /** The model's name, plus the run label when several runs are compared. */
  label: string;
}

export interface ComparisonColumn {
  key: string;
  dataset: string;
  probe: string;
  metric: MetricName;
}

export interface ComparisonCell {
  rowKey: string;
  columnKey: string;
  score: Score;
}

export interface ComparisonView {
  runs: RunInfo[];
  /** Models grouped together across runs (first appearance order), runs in input order within a model. */
  rows: RunModel[];
  /** Columns by dataset (first appearance), then probe, then metric. */
  columns: ComparisonColumn[];
  cells: ComparisonCell[];
  /** Things a reader should know before trusting a comparison (same name, different data or weights). */
  warnings: string[];
}

const rowKeyOf = (runId: string, modelId: string) => JSON.stringify([runId, modelId]);
const columnKeyOf = (s: Pick<Score, 'dataset' | 'probe' | 'metric'>) =>
  JSON.stringify([s.dataset, s.probe, s.metric]);

export function mergeRecords(records: ResultRecord[]): ComparisonView {
  const runs = runInfos(records);
  const comparing = records.length > 1;
  const rows = records.flatMap((r, i) =>
    r.models.map((model) => ({
      key: rowKeyOf(runs[i].id, model.id),
      runId: runs[i].id,
      model,
      label: comparing ? `${model.name} (${runs[i].label})` : model.name,
    })),
  );
  const modelOrder = [...new Set(rows.map((row) => row.model.id))];
  rows.sort((a, b) => modelOrder.indexOf(a.model.id) - modelOrder.indexOf(b.model.id));
  const cells = records.flatMap((r, i) =>
    r.scores.map((score) => ({
      rowKey: rowKeyOf(runs[i].id, score.model),
      columnKey: columnKeyOf(score),
      score,
    })),
  );
  return { runs, rows, columns: columnsOf(records), cells, warnings: mismatchWarnings(records) };
}

function runInfos(records: ResultRecord[]): RunInfo[] {
  const seen = new Map<string, number>();
  return records.map((r, i) => {
    const base = `${shortDate(r.createdAt)} · ${r.backend}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return {
      id: `run${i + 1}`,
      label: n === 1 ? base : `${base} #${n}`,
      createdAt: r.createdAt,
      backend: r.backend,
      labVersion: r.labVersion,
    };
  });
}

/** "2026-11-26T07:50:12.345Z" → "2026-11-26 07:50" (UTC, so every machine labels a run the same way). */
export function shortDate(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString().slice(0, 16).replace('T', ' ');
}

function columnsOf(records: ResultRecord[]): ComparisonColumn[] {
  const scores = records.flatMap((r) => r.scores);
  const datasets = [...new Set(scores.map((s) => s.dataset))];
  const probes = [...new Set(scores.map((s) => s.probe))];
  const byKey = new Map<string, ComparisonColumn>();
  for (const s of scores) {
    const key = columnKeyOf(s);
    if (!byKey.has(key)) byKey.set(key, { key, dataset: s.dataset, probe: s.probe, metric: s.metric });
  }
  const order = (c: ComparisonColumn) => [datasets.indexOf(c.dataset), probes.indexOf(c.probe)];
  return [...byKey.values()].sort((a, b) => {
    const [da, pa] = order(a);
    const [db, pb] = order(b);
    return da - db || pa - pb;
  });
}

function mismatchWarnings(records: ResultRecord[]): string[] {
  const warnings = new Set<string>();
  const check = <T>(
    items: (r: ResultRecord) => T[],
    name: (t: T) => string,
    id: (t: T) => string,
    say: string,
  ) => {
    const first = new Map<string, string>();
    for (const t of records.flatMap(items)) {
      const known = first.get(name(t));
      if (known === undefined) first.set(name(t), id(t));
      else if (known !== id(t))
        warnings.add(`'${name(t)}' ${say} in different runs; its numbers are not comparable.`);
    }
  };
  check<RecordDataset>(
    (r) => r.datasets,
    (d) => d.name,
    (d) => d.fingerprint,
    'holds different images',
  );
  check<RecordModel>(
    (r) => r.models,
    (m) => m.id,
    (m) => m.weightsHash,
    'has different weights',
  );
  return [...warnings];
}
