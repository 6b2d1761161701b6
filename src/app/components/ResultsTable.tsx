import { useMemo } from 'react';
import { resultTable } from '../../core/record/table.ts';
import type { ResultRecord } from '../../core/record/types.ts';

/** Models (per run when comparing) × (dataset, probe), the metric named, the 95% interval where there is one. */
export function ResultsTable({ records, testId }: { records: ResultRecord[]; testId: string }) {
  const { columns, rows, warnings } = useMemo(() => resultTable(records), [records]);
  const datasets = new Set(columns.map((c) => c.dataset));
  return (
    <div className="table-scroll">
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
            <tr key={row.key}>
              <th scope="row">{row.label}</th>
              {row.cells.map((cell, i) => (
                <td key={columns[i].key} className={`num${cell?.best ? ' best' : ''}`}>
                  {cell ? cell.text : '—'}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
