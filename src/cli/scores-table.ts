// The terminal view of a ResultRecord: the same table model the UI renders (src/core/record/table.ts).

import { type Cell, NOT_COMPUTED_TEXT, resultTable } from '../core/record/table.ts';
import type { ResultRecord } from '../core/record/types.ts';
import { textTable } from './text-table.ts';

export function scoresTable(record: ResultRecord): string {
  const table = resultTable([record]);
  const header = ['model', ...table.columns.map((c) => `${c.dataset} · ${c.label}`)];
  const rows = table.rows.map((r) => [
    r.label,
    ...r.cells.map((cell, i) => (cell ? cellText(cell) : r.notComputed[i] === null ? '' : NOT_COMPUTED_TEXT)),
  ]);
  const marked = table.rows.some((r) => r.cells.some((c) => c?.significantlyBest));
  const legend = marked
    ? ['* best in its column and significantly better than the runner-up (paired test, Holm p < 0.05)']
    : [];
  return [textTable(header, rows), ...legend, ...table.warnings.map((w) => `warning: ${w}`)].join('\n');
}

/** As the UI shows it: the score (with the probe's note, e.g. few-shot classes) and a * where significantly best. */
function cellText(cell: Cell): string {
  return `${cell.text}${cell.significantlyBest ? '*' : ''}`;
}
