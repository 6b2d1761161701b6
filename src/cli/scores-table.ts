// The terminal view of a ResultRecord: the same table model the UI renders (src/core/record/table.ts).

import { NOT_COMPUTED_TEXT, resultTable } from '../core/record/table.ts';
import type { ResultRecord } from '../core/record/types.ts';
import { textTable } from './text-table.ts';

export function scoresTable(record: ResultRecord): string {
  const table = resultTable([record]);
  const header = ['model', ...table.columns.map((c) => `${c.dataset} · ${c.label}`)];
  const rows = table.rows.map((r) => [
    r.label,
    ...r.cells.map((cell, i) => (cell ? cell.text : r.notComputed[i] === null ? '' : NOT_COMPUTED_TEXT)),
  ]);
  return [textTable(header, rows), ...table.warnings.map((w) => `warning: ${w}`)].join('\n');
}
