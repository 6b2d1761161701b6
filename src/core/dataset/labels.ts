// Labels and split lists given as CSV next to the images.
//
// Labels CSV (multi-label or flat folders): one row per image, `path,labels`, where `path` is relative to the
// dataset root (as listed, POSIX '/') and `labels` is one class name or several separated by ';'
// (e.g. `imgs/001.jpg,cat;outdoor`). A header row whose first cell is path/file/filename/image is ignored.
// An empty labels cell means "no positive class" (allowed in multi-label sets).
// Split list: `path,split` rows with split one of train/val/test (aliases valid, validation, training, testing).

import type { InputIssue, Split } from '../types.ts';
import { parseCsv } from './csv.ts';
import { normalisePath, splitOfFolder } from './paths.ts';

const HEADER_CELLS = new Set(['path', 'file', 'filename', 'image', 'key']);

function dataRows(text: string, file: string): string[][] {
  const rows = parseCsv(text, file);
  if (rows.length > 0 && HEADER_CELLS.has(rows[0][0].trim().toLowerCase())) rows.shift();
  return rows;
}

export function parseLabelsCsv(
  text: string,
  issues: InputIssue[],
  file = 'labels.csv',
): Map<string, string[]> {
  const labels = new Map<string, string[]>();
  for (const row of dataRows(text, file)) {
    const path = normalisePath(row[0].trim());
    const names = (row[1] ?? '')
      .split(';')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (labels.has(path)) {
      issues.push({
        key: path,
        action: 'warned',
        reason: 'listed twice in the labels CSV: the first row is used',
      });
      continue;
    }
    labels.set(path, [...new Set(names)]);
  }
  return labels;
}

export function parseSplitList(text: string, issues: InputIssue[], file = 'splits.csv'): Map<string, Split> {
  const splits = new Map<string, Split>();
  for (const row of dataRows(text, file)) {
    const path = normalisePath(row[0].trim());
    const split = splitOfFolder((row[1] ?? '').trim());
    if (!split) {
      issues.push({
        key: path,
        action: 'warned',
        reason: `unknown split '${row[1] ?? ''}' in the split list: ignored`,
      });
      continue;
    }
    splits.set(path, split);
  }
  return splits;
}
