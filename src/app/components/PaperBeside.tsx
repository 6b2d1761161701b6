import { useMemo } from 'react';
import { probeName } from '../../core/record/table.ts';
import type { ResultRecord } from '../../core/record/types.ts';
import { paperBesideRows } from '../colour/paper-beside.ts';
import { TableScroll } from './TableScroll.tsx';

/** Our number beside the paper's, for paper models on datasets and settings the paper reports. */
export function PaperBeside({ records }: { records: ResultRecord[] }) {
  const rows = useMemo(() => paperBesideRows(records), [records]);
  if (!rows.length) return null;
  return (
    <TableScroll label="The paper's numbers beside yours">
      <table data-testid="paper-beside">
        <caption className="muted small">Ours beside the paper (Ericsson et al., CVPR 2021)</caption>
        <thead>
          <tr>
            <th scope="col">model</th>
            <th scope="col">dataset</th>
            <th scope="col">setting</th>
            <th scope="col">ours</th>
            <th scope="col">paper</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.model}|${r.dataset}|${r.probe}`}>
              <td>{r.modelName}</td>
              <td>{r.dataset}</td>
              <td>{probeName(r.probe)}</td>
              <td>{r.unit === '%' ? `${r.ours.toFixed(2)} %` : r.ours.toFixed(0)}</td>
              <td title={r.note}>
                {r.unit === '%' ? `${r.paper.toFixed(2)} %` : r.paper.toFixed(0)}
                {r.paperCi95 !== undefined ? ` ± ${r.paperCi95.toFixed(2)}` : ''}
                {r.note ? ' *' : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
