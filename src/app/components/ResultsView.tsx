import { type RefObject, useEffect, useMemo, useRef } from 'react';
import { asShared } from '../../core/record/permalink-set.ts';
import type { ResultRecord } from '../../core/record/types.ts';
import { modelColours, recordColours } from '../charts/model-colours.ts';
import { fewShotVsKChart, transferScoreChart } from '../charts/specs.ts';
import { useLab } from '../store/react.ts';
import type { RunStatus } from '../store/run.ts';
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

/**
 * When a run ends, keyboard focus would fall to the page body (Cancel disables itself): hand it to the
 * results heading on success, which also scrolls the new table into view; back to Run otherwise.
 */
function useFocusAfterRun(heading: RefObject<HTMLHeadingElement | null>) {
  const status = useLab((s) => s.run.status);
  const previous = useRef<RunStatus>(status);
  useEffect(() => {
    const was = previous.current;
    previous.current = status;
    if (was !== 'running' && was !== 'cancelling') return;
    if (status === 'done') {
      heading.current?.focus();
      return;
    }
    const focused = document.activeElement;
    if (focused === document.body || focused === null || (focused as HTMLButtonElement).disabled) {
      document.querySelector<HTMLButtonElement>('[data-testid="run"]')?.focus();
    }
  }, [status, heading]);
}

function Charts({ records }: { records: ResultRecord[] }) {
  const chart = useMemo(() => transferScoreChart(records), [records]);
  // Accuracy against k only says something when more than one shot count was run.
  const shotCounts = new Set(
    records.flatMap((r) => r.scores.filter((s) => s.probe.startsWith('fewshot')).map((s) => s.probe)),
  );
  const kChart = useMemo(
    () => (shotCounts.size > 1 ? fewShotVsKChart(records) : null),
    [records, shotCounts.size],
  );
  return (
    <>
      <ChartHost spec={chart} title="Transfer score per model, with 95% intervals" />
      {kChart ? (
        <ChartHost spec={kChart} title="Few-shot accuracy against shots per class" testId="chart-fewshot" />
      ) : null}
    </>
  );
}

/** Finished results (table, charts, share, import/export), plus the running evaluation's scores so far. */
export function ResultsView() {
  const kept = useLab((s) => s.records);
  // Shown as a link carries them (1e-4 grid), so a shared view prints exactly these digits.
  const records = useMemo(() => kept.map(asShared), [kept]);
  const partial = useLab((s) => s.run.partial);
  const running = useLab((s) => s.run.status === 'running' || s.run.status === 'cancelling');
  const selected = useLab((s) => s.selectedModels);
  const viewingShared = useLab((s) => s.viewingShared);
  const heading = useRef<HTMLHeadingElement>(null);
  useFocusAfterRun(heading);
  const partialRecords = useMemo(() => (partial ? [asShared(partial)] : []), [partial]);
  // The models of the run on screen, so a model keeps the colour it will have when the run is finished.
  const partialColours = useMemo(
    () => modelColours([...selected, ...(partial?.models.map((m) => m.id) ?? [])]),
    [selected, partial],
  );
  const colours = useMemo(() => recordColours(records), [records]);
  return (
    <section className="results" id="results" aria-labelledby="results-heading">
      <h2 id="results-heading" ref={heading} tabIndex={-1}>
        Results
      </h2>
      {viewingShared ? (
        <p className="note" data-testid="shared-note">
          Opened from a shared link: these numbers were computed elsewhere; nothing ran here.
        </p>
      ) : null}
      {partial ? (
        <div className="partial">
          <h3>In progress (not final)</h3>
          <ResultsTable records={partialRecords} testId="partial-table" colours={partialColours} />
        </div>
      ) : running ? (
        <p className="muted" data-testid="waiting-first-score">
          Running: the first scores appear here as soon as the first probe of the first model finishes.
        </p>
      ) : null}
      {records.length === 0 ? (
        running ? null : (
          <p className="muted" data-testid="no-results">
            No results yet: press Run (at the foot of the set-up), or import a result file.
          </p>
        )
      ) : (
        <>
          {running ? <h3>Earlier results</h3> : null}
          {records.length > 1 ? <p className="muted">Comparing {records.length} runs.</p> : null}
          <ResultsTable records={records} testId="results-table" colours={colours} />
          <ShareButton records={kept} />
          <CompareView records={records} />
          <Charts records={records} />
          <KnnView records={records} />
          <CalibrationView records={records} />
          <PerClassView records={records} viewingShared={viewingShared} />
          <ColourView records={records} />
          <CorrelationView records={records} />
        </>
      )}
      {viewingShared ? null : <InversionView />}
      {viewingShared ? null : <DiffusionPanel />}
      <ImportExport />
    </section>
  );
}
