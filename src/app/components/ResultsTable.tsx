import { useMemo } from 'react';
import { resultTable } from '../../core/record/table.ts';
import type { ResultRecord } from '../../core/record/types.ts';
import { colourOf, type ModelColours, recordColours } from '../charts/model-colours.ts';
import { TableScroll } from './TableScroll.tsx';

/** Models (per run when comparing) × (dataset, probe), the metric named, the 95% interval where there is one. */
export function ResultsTable({
  records,
  testId,
  colours: given,
}: {
  records: ResultRecord[];
  testId: string;
  /** The charts' model colours (made from these records when absent), shown as a swatch per row. */
  colours?: ModelColours;
}) {
  const { columns, rows, warnings } = useMemo(() => resultTable(records), [records]);
  const colours = useMemo(() => given ?? recordColours(records), [given, records]);
  const datasets = new Set(columns.map((c) => c.dataset));
  return (
    <TableScroll label="Scores table">
      {warnings.map((w) => (
        <p key={w} className="note">
          {w}
        </p>
      ))}
      <table data-testid={testId}>
        <caption className="muted small">
          Scores in % (± half-width of the 95% interval); best per column in bold.
        </caption>
        <thead>
          <tr>
            <th scope="col">model</th>
            {columns.map((c) => (
              <th scope="col" key={c.key} data-probe={c.probe}>
                {datasets.size > 1 ? `${c.dataset} · ` : ''}
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} data-model={row.modelId}>
              <th scope="row">
                <span
                  className="swatch"
                  aria-hidden="true"
                  data-colour={colourOf(colours, row.modelId)}
                  style={{ background: colourOf(colours, row.modelId) }}
                />
                {row.label}
              </th>
              {row.cells.map((cell, i) => (
                <td key={columns[i].key} className={`num${cell?.best ? ' best' : ''}`}>
                  {cell ? cell.text : '—'}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
