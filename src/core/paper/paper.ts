// The paper's reference numbers as typed data, so every view can show "paper: 73.9" beside the lab's
// own score. Values stay in the paper's units: % for accuracies, mAP and ECE; log10 C for best-log10C.

import { PAPER_CSV, type PaperTableName } from './data/tables.ts';
import { type PaperDatasetKey, paperDatasetKey, paperModelKey } from './datasets.ts';

/** Settings of the paper; the names match the lab's Score.probe names where the lab has that probe. */
export const PAPER_SETTINGS = [
  'linear',
  'finetune',
  'fewshot-5way-5shot',
  'fewshot-5way-20shot',
  'fewshot-5way-50shot',
  'ece',
  'ece-scaled',
  'ece-finetune',
  'ece-finetune-scaled',
  'best-log10C',
] as const;

export type PaperSetting = (typeof PAPER_SETTINGS)[number];

export interface PaperScore {
  value: number;
  ci95?: number;
  unit: '%' | 'log10C';
}

/** One parsed CSV table; `modelKey` is null for summary rows such as "Corr. to ImageNet". */
export interface PaperTable {
  name: PaperTableName;
  columns: string[];
  rows: { label: string; modelKey: string | null; values: number[] }[];
}

export interface PaperModel {
  key: string;
  name: string;
  imagenetTop1: number;
}

/** Where one CSV column's numbers go: a (setting, dataset) cell, as its value or its ci95. */
interface ColumnTarget {
  setting: PaperSetting;
  dataset: PaperDatasetKey;
  part: 'value' | 'ci95';
}

const SETTING_OF_TABLE: Partial<Record<PaperTableName, PaperSetting>> = {
  linear_manyshot: 'linear',
  finetune_manyshot: 'finetune',
  fewshot_5way5shot_kornblith: 'fewshot-5way-5shot',
  fewshot_5way20shot_kornblith: 'fewshot-5way-20shot',
  fewshot_5way20shot_cdfsl: 'fewshot-5way-20shot',
  fewshot_5way50shot_kornblith: 'fewshot-5way-50shot',
  best_log10C: 'best-log10C',
};

/** The calibration table holds averages over the many-shot datasets, one column per setting. */
const CALIBRATION_COLUMNS: Record<string, PaperSetting> = {
  'ECE lin unscaled': 'ece',
  'ECE lin scaled': 'ece-scaled',
  'ECE ft unscaled': 'ece-finetune',
  'ECE ft scaled': 'ece-finetune-scaled',
};

/** Parses one of the paper's CSVs: a header, then "label,number,number,…" rows (no quoting in them). */
export function parsePaperCsv(name: PaperTableName, lines: readonly string[]): PaperTable {
  const [header, ...body] = lines;
  const columns = header.split(',').slice(1);
  const rows = body.map((line, i) => {
    const [label, ...cells] = line.split(',');
    if (cells.length !== columns.length) {
      throw new Error(`${name}.csv row ${i + 2}: ${cells.length} values for ${columns.length} columns`);
    }
    const values = cells.map((c) => Number(c));
    if (values.some((v) => !Number.isFinite(v)))
      throw new Error(`${name}.csv row ${i + 2}: a value is not a number`);
    return { label, modelKey: label.startsWith('Corr.') ? null : paperModelKey(label), values };
  });
  return { name, columns, rows };
}

function columnTarget(table: PaperTableName, column: string): ColumnTarget | null {
  if (table === 'calibration_reconstruction_attention') {
    const setting = CALIBRATION_COLUMNS[column];
    return setting === undefined ? null : { setting, dataset: 'avg', part: 'value' };
  }
  if (table === 'fewshot_cdfsl_5_50shot') {
    const m = /^(.*) (5|50)(_ci95)?$/.exec(column);
    const dataset = m === null ? null : paperDatasetKey(m[1]);
    if (m === null || dataset === null) return null;
    return { setting: `fewshot-5way-${m[2]}shot` as PaperSetting, dataset, part: m[3] ? 'ci95' : 'value' };
  }
  const setting = SETTING_OF_TABLE[table];
  const isCi = column.endsWith('_ci95');
  const dataset = paperDatasetKey(isCi ? column.slice(0, -'_ci95'.length) : column);
  if (setting === undefined || dataset === null) return null;
  return { setting, dataset, part: isCi ? 'ci95' : 'value' };
}

let cachedTables: Map<PaperTableName, PaperTable> | null = null;
let cachedIndex: Map<string, PaperScore> | null = null;

/** All of the paper's tables, parsed once. */
export function paperTables(): Map<PaperTableName, PaperTable> {
  cachedTables ??= new Map(
    (Object.keys(PAPER_CSV) as PaperTableName[]).map((name) => [name, parsePaperCsv(name, PAPER_CSV[name])]),
  );
  return cachedTables;
}

const indexKey = (model: string, dataset: string, setting: string) =>
  JSON.stringify([model, dataset, setting]);

function buildIndex(): Map<string, PaperScore> {
  const index = new Map<string, PaperScore>();
  for (const table of paperTables().values()) {
    table.columns.forEach((column, c) => {
      const target = columnTarget(table.name, column);
      if (target === null) return;
      for (const row of table.rows) {
        if (row.modelKey === null) continue;
        const key = indexKey(row.modelKey, target.dataset, target.setting);
        const unit = target.setting === 'best-log10C' ? 'log10C' : '%';
        const score = index.get(key) ?? { value: Number.NaN, unit };
        if (target.part === 'ci95') score.ci95 = row.values[c];
        else score.value = row.values[c];
        index.set(key, score);
      }
    });
  }
  return index;
}

/**
 * The paper's number for a model (protocol key, e.g. 'swav'), a dataset (any common spelling, e.g.
 * 'Food-101', or 'avg') and a setting; null when the paper did not report it.
 */
export function paperScore(modelKey: string, dataset: string, setting: string): PaperScore | null {
  cachedIndex ??= buildIndex();
  const datasetKey = paperDatasetKey(dataset);
  if (datasetKey === null) return null;
  const score = cachedIndex.get(indexKey(modelKey.toLowerCase(), datasetKey, setting));
  return score === undefined ? null : { ...score };
}

/** Every number the paper reports for one setting, e.g. to correlate the lab's scores with the paper's. */
export function paperScoresFor(
  setting: PaperSetting,
): { model: string; dataset: PaperDatasetKey; score: PaperScore }[] {
  cachedIndex ??= buildIndex();
  return [...cachedIndex.entries()].flatMap(([key, score]) => {
    const [model, dataset, s] = JSON.parse(key) as [string, PaperDatasetKey, string];
    return s === setting ? [{ model, dataset, score: { ...score } }] : [];
  });
}

/** The paper's 14 models in table order, with the ImageNet top-1 (%) their authors reported. */
export function paperModels(): PaperModel[] {
  const table = paperTables().get('linear_manyshot')!;
  const top1 = table.columns.indexOf('ImageNet top-1');
  return table.rows.map((row) => ({ key: row.modelKey!, name: row.label, imagenetTop1: row.values[top1] }));
}

/** A per-model number from the calibration/colour/attention, dense or detection tables, by column name. */
export function paperModelMetric(
  modelKey: string,
  table: 'calibration_reconstruction_attention' | 'dense' | 'detection_voc',
  column: string,
): number | null {
  const t = paperTables().get(table)!;
  const c = t.columns.indexOf(column);
  const row = t.rows.find((r) => r.modelKey === modelKey.toLowerCase());
  return c < 0 || row === undefined ? null : row.values[c];
}
