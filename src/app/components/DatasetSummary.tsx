import type { DatasetSummary as Summary } from '../../worker/api.ts';
import { useLab } from '../store/react.ts';
import { TableScroll } from './TableScroll.tsx';

/** Up to this many classes the table starts open. */
const OPEN_CLASS_TABLE = 6;

/** "train 600, test 400": the splits that have images. */
function splitText(splits: { train: number; val: number; test: number; unsplit: number }): string {
  const parts = Object.entries({
    train: splits.train,
    val: splits.val,
    test: splits.test,
    'no split': splits.unsplit,
  });
  return parts
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
}

function SplitCell({ n }: { n: number }) {
  return <td className="num">{n || ''}</td>;
}

function Issues({ issues }: { issues: Summary['issues'] }) {
  if (issues.length === 0) return <p className="muted">No files skipped.</p>;
  return (
    <details open={issues.length <= 10}>
      <summary>
        {issues.length} file{issues.length === 1 ? '' : 's'} with problems
      </summary>
      <ul className="issues" data-testid="dataset-issues">
        {issues.map((issue) => (
          <li key={`${issue.key}:${issue.reason}`}>
            <code>{issue.key}</code> — {issue.action}: {issue.reason}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** Classes, counts per split and skipped files, shown before anything runs. Names are plain text. */
export function DatasetSummary() {
  const dataset = useLab((s) => s.dataset);
  if (!dataset) return <p className="muted">No dataset yet.</p>;
  const { splits } = dataset;
  return (
    <section className="dataset-summary" data-testid="dataset-summary" aria-label="Dataset summary">
      <h3>
        {dataset.name}: {dataset.total} images, {dataset.classes.length} classes ({splitText(splits)})
        {dataset.multiLabel ? ' (multi-label)' : ''}
      </h3>
      {/* Many classes would push the models off the rail: their table folds, the totals stay in the title. */}
      <details className="class-table" open={dataset.classes.length <= OPEN_CLASS_TABLE}>
        <summary>Classes and splits</summary>
        <TableScroll label="Classes and splits">
          <table>
            <thead>
              <tr>
                <th scope="col">class</th>
                <th scope="col">train</th>
                <th scope="col">val</th>
                <th scope="col">test</th>
                <th scope="col">no split</th>
              </tr>
            </thead>
            <tbody>
              {dataset.classes.map((c) => (
                <tr key={c.name}>
                  <th scope="row" className="class-name">
                    {c.name}
                  </th>
                  <SplitCell n={c.train} />
                  <SplitCell n={c.val} />
                  <SplitCell n={c.test} />
                  <SplitCell n={c.unsplit} />
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">all</th>
                <SplitCell n={splits.train} />
                <SplitCell n={splits.val} />
                <SplitCell n={splits.test} />
                <SplitCell n={splits.unsplit} />
              </tr>
            </tfoot>
          </table>
        </TableScroll>
      </details>
      <Issues issues={dataset.issues} />
    </section>
  );
}
