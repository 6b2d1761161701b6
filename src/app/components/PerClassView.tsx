import { useMemo, useState } from 'react';
import type { ResultRecord } from '../../core/record/types.ts';
import { confusionHeatmapChart, perClassAccuracyChart } from '../charts/specs-perclass.ts';
import { ChartHost } from './ChartHost.tsx';

/** One (run, model, dataset) whose linear probe kept its test confusion matrix. */
interface ConfusionEntry {
  key: string;
  label: string;
  model: string;
  dataset: string;
  classNames: string[];
  confusion: number[][];
}

function confusionEntries(records: readonly ResultRecord[]): ConfusionEntry[] {
  return records.flatMap((record, run) =>
    record.models.flatMap((model) =>
      Object.entries(record.details?.confusion?.[model.id] ?? {}).map(([dataset, confusion]) => {
        const classNames = record.datasets.find((d) => d.name === dataset)?.classNames ?? [];
        const runNote = records.length > 1 ? ` (run ${run + 1})` : '';
        return {
          key: JSON.stringify([run, model.id, dataset]),
          label: `${model.name} on ${dataset}${runNote}`,
          model: model.name,
          dataset,
          classNames,
          confusion,
        };
      }),
    ),
  );
}

/**
 * Per-class accuracy and the confusion heatmap, on demand: collapsed by default, and the charts are only
 * made once opened (a 1,000-class heatmap is a million cells).
 */
export function PerClassView({
  records,
  viewingShared,
}: {
  records: ResultRecord[];
  viewingShared: boolean;
}) {
  const entries = useMemo(() => confusionEntries(records), [records]);
  const [open, setOpen] = useState(false);
  const [choice, setChoice] = useState('');
  const hasLinear = records.some((r) => r.scores.some((s) => s.probe === 'linear'));
  if (entries.length === 0 && !(viewingShared && hasLinear)) return null;
  const entry = entries.find((e) => e.key === choice) ?? entries[0];
  return (
    <details
      className="per-class"
      data-testid="perclass-view"
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary>Per-class accuracy and confusion matrix</summary>
      {entry === undefined ? (
        <p className="muted" data-testid="perclass-missing">
          Not in shared links: the confusion matrices stay in the result file.
        </p>
      ) : (
        <>
          <label>
            Model{' '}
            <select
              value={entry.key}
              onChange={(e) => setChoice(e.target.value)}
              data-testid="perclass-model"
            >
              {entries.map((e) => (
                <option key={e.key} value={e.key}>
                  {e.label}
                </option>
              ))}
            </select>
          </label>
          {open ? <PerClassCharts entry={entry} /> : null}
        </>
      )}
    </details>
  );
}

function PerClassCharts({ entry }: { entry: ConfusionEntry }) {
  const [accuracy, heatmap] = useMemo(() => {
    const names = { model: entry.model, dataset: entry.dataset };
    return [
      perClassAccuracyChart(entry.confusion, entry.classNames, names),
      confusionHeatmapChart(entry.confusion, entry.classNames, names),
    ];
  }, [entry]);
  return (
    <>
      <ChartHost spec={accuracy} title={`Per-class accuracy of ${entry.label}`} testId="chart-perclass" />
      <ChartHost spec={heatmap} title={`Confusion matrix of ${entry.label}`} testId="chart-confusion" />
    </>
  );
}
