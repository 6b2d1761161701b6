import { useMemo } from 'react';
import type { ResultRecord } from '../../core/record/types.ts';
import { resultGrid } from '../results-grid.ts';

/** Models × (dataset, probe) with the metric named and the 95% interval where there is one. */
export function ResultsTable({ records, testId }: { records: ResultRecord[]; testId: string }) {
  const { columns, rows } = useMemo(() => resultGrid(records), [records]);
  const comparing = rows.some((r) => r.run !== '');
  const datasets = new Set(columns.map((c) => c.dataset));
  return (
    <div className="table-scroll">
      <table data-testid={testId}>
        <caption className="muted small">Scores in % (95% interval ±); the best per column is bold.</caption>
        <thead>
          <tr>
            <th scope="col">model</th>
            {comparing ? <th scope="col">run</th> : null}
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
              <th scope="row">{row.model}</th>
              {comparing ? <td>{row.run}</td> : null}
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
