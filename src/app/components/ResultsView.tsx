import { useEffect, useMemo, useRef } from 'react';
import { asShared } from '../../core/record/permalink-set.ts';
import { fewShotVsKChart, transferScoreChart } from '../charts/specs.ts';
import { useLab } from '../store/react.ts';
import { CalibrationView } from './CalibrationView.tsx';
import { ChartHost } from './ChartHost.tsx';
import { ColourView } from './ColourView.tsx';
import { CompareView } from './CompareView.tsx';
import { CorrelationView } from './CorrelationView.tsx';
import { DiffusionPanel } from './DiffusionPanel.tsx';
import { ImportExport } from './ImportExport.tsx';
import { InversionView } from './InversionView.tsx';
import { KnnView } from './KnnView.tsx';
import { PerClassView } from './PerClassView.tsx';
import { ResultsTable } from './ResultsTable.tsx';
import { ShareButton } from './ShareButton.tsx';

/** Finished results (table, chart, share, import/export), plus the running evaluation's scores so far. */
export function ResultsView() {
  const kept = useLab((s) => s.records);
  // Shown as a link carries them (1e-4 grid), so a shared view prints exactly these digits.
  const records = useMemo(() => kept.map(asShared), [kept]);
  const partial = useLab((s) => s.run.partial);
  const viewingShared = useLab((s) => s.viewingShared);
  const chart = useMemo(() => (records.length ? transferScoreChart(records) : null), [records]);
  // Accuracy against k only says something when more than one shot count was run.
  const shotCounts = new Set(
    records.flatMap((r) => r.scores.filter((s) => s.probe.startsWith('fewshot')).map((s) => s.probe)),
  );
  const kChart = useMemo(
    () => (shotCounts.size > 1 ? fewShotVsKChart(records) : null),
    [records, shotCounts.size],
  );
  const partialRecords = useMemo(() => (partial ? [asShared(partial)] : []), [partial]);
  // A shared link opens on its results, not on the empty lab above them.
  const section = useRef<HTMLElement>(null);
  useEffect(() => {
    if (viewingShared) section.current?.scrollIntoView({ block: 'start' });
  }, [viewingShared]);
  return (
    <section className="results" aria-label="Results" id="results" ref={section}>
      <h2>Results</h2>
      {viewingShared ? (
        <p className="note" data-testid="shared-note">
          Opened from a shared link: these numbers were computed elsewhere; nothing ran here.
        </p>
      ) : null}
      {partial ? (
        <div className="partial">
          <h3>In progress (not final)</h3>
          <ResultsTable records={partialRecords} testId="partial-table" />
        </div>
      ) : null}
      {records.length === 0 ? (
        <p className="muted">No results yet: press Run, or import a result file.</p>
      ) : (
        <>
          {records.length > 1 ? <p className="muted">Comparing {records.length} runs.</p> : null}
          <ResultsTable records={records} testId="results-table" />
          <CompareView records={records} />
          {chart ? <ChartHost spec={chart} title="Transfer score per model, with 95% intervals" /> : null}
          {kChart ? (
            <ChartHost
              spec={kChart}
              title="Few-shot accuracy against shots per class"
              testId="chart-fewshot"
            />
          ) : null}
          <KnnView records={records} />
          <CalibrationView records={records} />
          <PerClassView records={records} viewingShared={viewingShared} />
          <ColourView records={records} />
          <CorrelationView records={records} />
          <ShareButton records={kept} />
        </>
      )}
      {viewingShared ? null : <InversionView />}
      {viewingShared ? null : <DiffusionPanel />}
      <ImportExport />
    </section>
  );
}
