import { useId, useMemo, useState } from 'react';
import type { ResultRecord } from '../../core/record/types.ts';
import { eceBeforeAfterChart, reliabilityOverlayChart } from '../charts/specs-calibration.ts';
import { ChartHost } from './ChartHost.tsx';

interface CalibratedModel {
  id: string;
  name: string;
}

/** Datasets that have reliability bins in any record, first appearance order. */
function calibratedDatasets(records: readonly ResultRecord[]): string[] {
  const names = records.flatMap((r) =>
    Object.values(r.details?.calibration ?? {}).flatMap((perDataset) => Object.keys(perDataset)),
  );
  return [...new Set(names)];
}

/** Models with reliability bins on `dataset`, once each even when several runs are compared. */
function calibratedModels(records: readonly ResultRecord[], dataset: string): CalibratedModel[] {
  const seen = new Map<string, CalibratedModel>();
  for (const record of records) {
    for (const model of record.models) {
      if (record.details?.calibration?.[model.id]?.[dataset] && !seen.has(model.id)) {
        seen.set(model.id, { id: model.id, name: model.name });
      }
    }
  }
  return [...seen.values()];
}

const hasEceScores = (records: readonly ResultRecord[]) =>
  records.some((r) => r.scores.some((s) => s.metric === 'ece'));

/** ECE before/after temperature scaling per model, and the overlaid reliability diagram with bin counts. */
export function CalibrationView({ records }: { records: ResultRecord[] }) {
  const datasets = useMemo(() => calibratedDatasets(records), [records]);
  const eceChart = useMemo(() => (hasEceScores(records) ? eceBeforeAfterChart(records) : null), [records]);
  if (!eceChart && datasets.length === 0) return null;
  return (
    <section aria-label="Calibration" data-testid="calibration-view">
      <h3>Calibration</h3>
      {eceChart ? (
        <ChartHost
          spec={eceChart}
          title="Expected calibration error before and after temperature scaling"
          testId="chart-ece"
        />
      ) : null}
      {datasets.length > 0 ? (
        <ReliabilityOverlay records={records} datasets={datasets} />
      ) : (
        <p className="muted" data-testid="reliability-missing">
          Reliability diagrams need the per-bin detail, which shared links do not carry: open the result file
          instead.
        </p>
      )}
    </section>
  );
}

function ReliabilityOverlay({ records, datasets }: { records: ResultRecord[]; datasets: string[] }) {
  const id = useId();
  const [datasetChoice, setDataset] = useState(datasets[0]);
  const dataset = datasets.includes(datasetChoice) ? datasetChoice : datasets[0];
  const [which, setWhich] = useState<'before' | 'after'>('before');
  const models = useMemo(() => calibratedModels(records, dataset), [records, dataset]);
  // Unticked ids, so models that appear later (a new run) are shown by default.
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const shown = models.filter((m) => !hidden.has(m.id)).map((m) => m.id);
  const shownKey = shown.join('\n');
  const spec = useMemo(
    () => reliabilityOverlayChart(records, dataset, which, shownKey === '' ? [] : shownKey.split('\n')),
    [records, dataset, which, shownKey],
  );
  const toggle = (modelId: string, on: boolean) =>
    setHidden((prev) => {
      const next = new Set(prev);
      if (on) next.delete(modelId);
      else next.add(modelId);
      return next;
    });
  return (
    <div className="reliability" data-testid="reliability-overlay">
      {datasets.length > 1 ? (
        <label>
          Dataset{' '}
          <select
            value={dataset}
            onChange={(e) => setDataset(e.target.value)}
            data-testid="reliability-dataset"
          >
            {datasets.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <fieldset>
        <legend>Probabilities</legend>
        {(['before', 'after'] as const).map((w) => (
          <label key={w}>
            <input
              type="radio"
              name={`${id}-which`}
              value={w}
              checked={which === w}
              onChange={() => setWhich(w)}
              data-testid={`reliability-${w}`}
            />{' '}
            {w} temperature scaling
          </label>
        ))}
      </fieldset>
      <fieldset data-testid="reliability-models">
        <legend>Models to overlay</legend>
        {models.map((m) => (
          <label key={m.id}>
            <input
              type="checkbox"
              checked={!hidden.has(m.id)}
              onChange={(e) => toggle(m.id, e.target.checked)}
            />{' '}
            {m.name}
          </label>
        ))}
      </fieldset>
      <ChartHost
        spec={spec}
        title={`Reliability diagram on ${dataset}, ${which} temperature scaling`}
        testId="chart-reliability"
      />
    </div>
  );
}
