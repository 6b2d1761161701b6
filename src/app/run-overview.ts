// The whole run at a glance: (model, probe) pairs finished out of models × probes, and one ETA for the
// rest, from the time spent so far. The pipeline reports a record after each pair finishes, and progress
// (done/total) inside the current phase; the phase's share counts towards the pair it belongs to.

export interface OverviewInput {
  models: number;
  probes: number;
  /** (model, probe) pairs finished so far: one per partial record the pipeline published. */
  pairsDone: number;
  /** Progress inside the current phase (features, fit, episodes), if any is running. */
  phase: { done: number; total: number } | null;
  elapsedSeconds: number;
}

export interface Overview {
  pairsTotal: number;
  pairsDone: number;
  /** 0..1, never past the pair now running, so it cannot run ahead of what is finished. */
  fraction: number;
  /** Seconds left at the pace so far; null until there is enough to go on. */
  etaSeconds: number | null;
}

/** Below this share of the run done, a whole-run ETA is mostly warm-up and would mislead. */
const MIN_FRACTION_FOR_ETA = 0.02;

export function runOverview(input: OverviewInput): Overview {
  const pairsTotal = Math.max(1, input.models * input.probes);
  const pairsDone = Math.min(Math.max(0, input.pairsDone), pairsTotal);
  const phase =
    input.phase && input.phase.total > 0 ? Math.min(1, Math.max(0, input.phase.done / input.phase.total)) : 0;
  // A unit's phases (features, then the fit) each restart at 0: the current phase counts as half a pair
  // at most, so the bar never jumps back when the next phase of the same pair starts.
  const fraction = pairsDone >= pairsTotal ? 1 : (pairsDone + phase / 2) / pairsTotal;
  const etaSeconds =
    fraction >= MIN_FRACTION_FOR_ETA && fraction < 1 && input.elapsedSeconds > 0
      ? (input.elapsedSeconds * (1 - fraction)) / fraction
      : null;
  return { pairsTotal, pairsDone, fraction, etaSeconds: fraction >= 1 ? 0 : etaSeconds };
}
