// CSV export: one row per score, RFC 4180 (CRLF, quotes doubled), safe to open in a spreadsheet.

import type { ResultRecord, Score } from './types.ts';

export const CSV_HEADER = [
  'run_date',
  'backend',
  'model_id',
  'model_name',
  'dataset',
  'probe',
  'metric',
  'value',
  'ci95',
  'extras',
  'not_computed',
] as const;

/**
 * A text cell as RFC 4180 wants it, defused against formula injection: a spreadsheet runs a cell that
 * starts with = + - @ (or tab / CR) as a formula, so such text gets a leading apostrophe. Numbers are
 * written by `numberCell` and never defused, so "-0.25" stays a number.
 */
export function csvText(text: string): string {
  const defused = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(defused) ? `"${defused.replaceAll('"', '""')}"` : defused;
}

function numberCell(x: number | undefined): string {
  return x === undefined ? '' : String(x);
}

/** "log10C=-0.5;steps=12": a score's small extra numbers in one cell. */
function extrasCell(extra: Score['extra']): string {
  if (extra === undefined) return '';
  return Object.entries(extra)
    .map(([k, v]) => `${k}=${v}`)
    .join(';');
}

export function recordToCsv(records: ResultRecord[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const r of records) {
    const names = new Map(r.models.map((m) => [m.id, m.name]));
    for (const s of r.scores) {
      lines.push(
        [
          csvText(r.createdAt),
          csvText(r.backend),
          csvText(s.model),
          csvText(names.get(s.model) ?? ''),
          csvText(s.dataset),
          csvText(s.probe),
          csvText(s.metric),
          numberCell(s.value),
          numberCell(s.ci95),
          csvText(extrasCell(s.extra)),
          '',
        ].join(','),
      );
    }
    // A result that could not be computed: no metric and no value, the reason in the last column.
    for (const n of r.notComputed ?? []) {
      lines.push(
        [
          csvText(r.createdAt),
          csvText(r.backend),
          csvText(n.model),
          csvText(names.get(n.model) ?? ''),
          csvText(n.dataset),
          csvText(n.probe),
          '',
          '',
          '',
          '',
          csvText(n.reason),
        ].join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
