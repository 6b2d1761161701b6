import { useMemo } from 'react';
import type { ResultRecord } from '../../core/record/types.ts';
import { compareMatrices, testLabel } from '../../core/stats/compare-view.ts';
import { TableScroll } from './TableScroll.tsx';

const MARK = { better: '▲', worse: '▼', same: '=' } as const;

/**
 * Which differences are real: per dataset and probe, every model (row) against every other (column) by the
 * run's paired test, Holm-corrected across the pairs. Self-contained: its own table markup and classes.
 */
export function CompareView({ records }: { records: ResultRecord[] }) {
  const matrices = useMemo(() => compareMatrices(records), [records]);
  if (matrices.length === 0) return null;
  return (
    <section className="compare-view" data-testid="compare-view" aria-labelledby="compare-heading">
      <h3 id="compare-heading">Which differences are real</h3>
      <p className="muted small">
        Row model against column model on the same test images (or few-shot episodes): ▲ better, ▼ worse, = no
        significant difference (Holm-corrected p ≥ 0.05 across the pairs of one dataset and probe).
      </p>
      {matrices.map((m) => (
        <TableScroll label={`Comparisons: ${m.title}`} key={m.key}>
          <table data-testid="compare-matrix">
            <caption>
              {m.title} <span className="muted small">({testLabel(m.test)})</span>
            </caption>
            <thead>
              <tr>
                <th scope="col">model</th>
                {m.models.map((c) => (
                  <th scope="col" key={c.id}>
                    {c.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {m.models.map((row, i) => (
                <tr key={row.id}>
                  <th scope="row">{row.name}</th>
                  {m.cells[i].map((cell, j) => (
                    <td key={m.models[j].id} data-verdict={cell?.verdict} className="num">
                      {cell ? `${MARK[cell.verdict]} ${cell.text}` : '—'}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ))}
    </section>
  );
}
