import { useEffect, useRef, useState } from 'react';
import { formatDuration } from '../../core/progress.ts';
import { progressFraction, progressLine } from '../progress-text.ts';
import { runOverview, runPlanText } from '../run-overview.ts';
import { useLab } from '../store/react.ts';
import { planRun } from '../store/settings.ts';

const STATUS_TEXT: Record<string, string> = {
  cancelling: 'Cancelling…',
  done: 'Finished.',
  cancelled: 'Cancelled: nothing from this run was kept.',
  failed: 'The run failed (see the message above).',
};

interface RunShape {
  runId: string | null;
  models: number;
  probes: number;
  startedAt: number;
  pairsDone: number;
}

/**
 * The run's shape, fixed when it starts (the pickers are disabled while it runs), and the (model, probe)
 * pairs finished: the pipeline publishes one partial record per finished pair.
 */
function useRunShape(): RunShape {
  const run = useLab((s) => s.run);
  const models = useLab((s) => s.selectedModels.length);
  // The probes the run will really do: the dataset may rule one out (e.g. too few images for few-shot).
  const probes = useLab((s) =>
    s.dataset ? planRun(s.dataset, s.probes, s.settings).probes.length : s.probes.length,
  );
  const shape = useRef<RunShape>({ runId: null, models: 0, probes: 0, startedAt: 0, pairsDone: 0 });
  const lastPartial = useRef<object | null>(null);
  if (run.runId !== shape.current.runId) {
    shape.current = { runId: run.runId, models, probes, startedAt: Date.now(), pairsDone: 0 };
    lastPartial.current = null;
  }
  if (run.partial && run.partial !== lastPartial.current) {
    lastPartial.current = run.partial;
    shape.current.pairsDone += 1;
  }
  return shape.current;
}

/** Re-renders every second while `on`, so the elapsed time and the ETA stay current between events. */
function useTicker(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [on]);
  return now;
}

/** Before Run: what it will do, and which selected models will be slow (large inputs). */
function RunPlan() {
  const models = useLab((s) => s.models);
  const selected = useLab((s) => s.selectedModels);
  const probes = useLab((s) => (s.dataset ? planRun(s.dataset, s.probes, s.settings).probes.length : 0));
  const images = useLab((s) => s.dataset?.total ?? 0);
  const chosen = models.filter((m) => selected.includes(m.card.id)).map((m) => m.card);
  const lines = runPlanText(chosen, probes, images);
  if (lines.length === 0) return null;
  return (
    <div className={lines.length > 1 ? 'cost' : 'muted small'} data-testid="run-plan">
      {lines.map((line) => (
        <p key={line}>{line}</p>
      ))}
    </div>
  );
}

/** Whole-run progress (models × probes, one ETA) above the current phase's own bar, rate and ETA. */
export function RunProgress() {
  const run = useLab((s) => s.run);
  const active = run.status === 'running' || run.status === 'cancelling';
  const shape = useRunShape();
  const now = useTicker(active);
  const overview = runOverview({
    models: shape.models,
    probes: shape.probes,
    pairsDone: shape.pairsDone,
    phase: run.progress,
    elapsedSeconds: Math.max(0, (now - shape.startedAt) / 1000),
  });
  const root = useRef<HTMLDivElement>(null);
  // On a phone the progress sits below the set-up: bring it on screen when a run starts.
  useEffect(() => {
    if (run.status === 'running') root.current?.scrollIntoView?.({ block: 'nearest' });
  }, [run.status]);
  const modelAt = Math.min(shape.models, Math.floor(overview.pairsDone / Math.max(1, shape.probes)) + 1);
  return (
    <div className="run-progress" data-testid="progress" data-status={run.status} ref={root}>
      {active ? (
        <>
          <div className="progress-row">
            <progress
              value={overview.fraction}
              max={1}
              aria-label="Whole run progress"
              data-testid="run-overall"
            />
            <span className="small" data-testid="run-overall-text">
              {overview.pairsDone} of {overview.pairsTotal} model × probe runs done (model {modelAt} of{' '}
              {shape.models}) · about {formatDuration(overview.etaSeconds)} left
            </span>
          </div>
          <div className="progress-row phase">
            <progress value={progressFraction(run.progress)} max={1} aria-label="Current step progress" />
            <span className="small muted">
              {run.progress ? progressLine(run.progress) : 'Loading the model…'}
            </span>
          </div>
        </>
      ) : (
        <RunPlan />
      )}
      <p aria-live="polite" className="run-status">
        {STATUS_TEXT[run.status] ?? ''}
      </p>
    </div>
  );
}
