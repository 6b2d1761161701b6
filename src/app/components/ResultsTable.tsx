import { useMemo } from 'react';
import { NOT_COMPUTED_TEXT, type Row, resultTable } from '../../core/record/table.ts';
import type { ResultRecord } from '../../core/record/types.ts';
import { formatP } from '../../core/stats/compare-view.ts';
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
          Scores in % (± half-width of the 95% interval). Bold with *: best in its column and significantly
          better than the runner-up by a paired test on the same images (Holm-corrected p &lt; 0.05); no bold
          where the difference could be chance.
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
              {columns.map((c, i) => (
                <ResultCell key={c.key} row={row} column={i} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

const TEST_NAMES: Record<string, string> = {
  'mcnemar-exact': "McNemar's exact test",
  'paired-bootstrap': 'paired bootstrap',
  'paired-t': 'paired t-test (over few-shot episodes, or images for attentive diffusion)',
};

/**
 * A score (bold and starred only when significantly better than the runner-up; see the caption), or "not
 * computed" with its reason (hover, and for screen readers in the cell), or a dash.
 */
function ResultCell({ row, column }: { row: Row; column: number }) {
  const cell = row.cells[column];
  if (cell) {
    const sig = cell.significantlyBest;
    const why = sig
      ? `better than ${sig.runnerUp} (${TEST_NAMES[sig.test] ?? sig.test}, Holm-corrected ${formatP(sig.pHolm)})`
      : undefined;
    return (
      <td className={`num${sig ? ' best' : ''}`} data-significant={sig ? 'true' : undefined} title={why}>
        {cell.text}
        {sig ? (
          <>
            <sup aria-hidden="true">*</sup>
            <span className="visually-hidden"> (significantly {why})</span>
          </>
        ) : null}
      </td>
    );
  }
  const reason = row.notComputed[column];
  if (reason === null) return <td className="num">—</td>;
  return (
    <td className="not-computed" title={reason} data-testid="not-computed">
      {NOT_COMPUTED_TEXT}
      <span className="visually-hidden">: {reason}</span>
    </td>
  );
}
