import { useMemo, useState } from 'react';
import { INVERSION_PROBE, readoutRowsFromRecord, relianceRowsFromRecord } from '../../core/colour/scores.ts';
import type { ResultRecord } from '../../core/record/types.ts';
import {
  colourReadoutChart,
  colourReadoutErrorChart,
  colourRelianceChart,
  reconstructionMseChart,
} from '../charts/specs-colour.ts';
import { ChartHost } from './ChartHost.tsx';

/** Inversion MSE rows (per channel) from the records' inversion scores. */
function inversionRows(records: readonly ResultRecord[]) {
  return records.flatMap((record) => {
    const names = new Map(record.models.map((m) => [m.id, m.name]));
    return record.scores.flatMap((s) => {
      const e = s.extra;
      if (s.probe !== INVERSION_PROBE || !e) return [];
      const label = `${names.get(s.model) ?? s.model} · ${s.dataset}`;
      return [{ label, result: { r: e.mseR, g: e.mseG, b: e.mseB } }];
    });
  });
}

/** Colour preservation: readout R² and error per channel, reliance on colour, reconstruction MSE. */
export function ColourView({ records }: { records: ResultRecord[] }) {
  const readout = useMemo(() => records.flatMap(readoutRowsFromRecord), [records]);
  const reliance = useMemo(() => records.flatMap(relianceRowsFromRecord), [records]);
  const inversions = useMemo(() => inversionRows(records), [records]);
  const [overlayPaper, setOverlayPaper] = useState(true);
  const mseChart = useMemo(
    () => (inversions.length ? reconstructionMseChart(inversions, { overlayPaper }) : null),
    [inversions, overlayPaper],
  );
  if (!readout.length && !reliance.length && !inversions.length) return null;
  return (
    <section aria-label="Colour preservation" data-testid="colour-view">
      <h3>Colour preservation</h3>
      {readout.length ? (
        <>
          <ChartHost
            spec={colourReadoutChart(readout)}
            title="Colour readout R² per channel"
            testId="chart-colour-readout"
          />
          <ChartHost
            spec={colourReadoutErrorChart(readout)}
            title="Colour readout error per channel"
            testId="chart-colour-error"
          />
        </>
      ) : null}
      {reliance.length ? (
        <ChartHost
          spec={colourRelianceChart(reliance)}
          title="Colour reliance"
          testId="chart-colour-reliance"
        />
      ) : null}
      {mseChart ? (
        <>
          <label>
            <input
              type="checkbox"
              checked={overlayPaper}
              onChange={(e) => setOverlayPaper(e.target.checked)}
            />{' '}
            Show the paper's 14 models (their MSE is over the paper's images)
          </label>
          <ChartHost spec={mseChart} title="Reconstruction MSE per channel" testId="chart-inversion-mse" />
        </>
      ) : null}
    </section>
  );
}
