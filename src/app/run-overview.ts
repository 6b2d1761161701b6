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

/** Inputs at least this wide make a model's images costly enough to say so before Run. */
export const LARGE_INPUT = 128;

/**
 * What pressing Run will do, said before it is pressed: the work as models × probes over the images, and
 * for models with large inputs how much more each image costs them than the smallest selected model
 * (a backbone's work grows with its input's pixel count).
 */
export function runPlanText(
  models: readonly { name: string; inputSize: number }[],
  probes: number,
  images: number,
): string[] {
  if (models.length === 0 || probes === 0 || images === 0) return [];
  const lines = [
    `Run evaluates ${models.length} model${models.length === 1 ? '' : 's'} × ${probes} probe${probes === 1 ? '' : 's'} on ${images.toLocaleString('en')} images.`,
  ];
  const smallest = Math.min(...models.map((m) => m.inputSize));
  for (const m of models) {
    if (m.inputSize < LARGE_INPUT || m.inputSize === smallest) continue;
    const ratio = Math.round((m.inputSize / smallest) ** 2);
    lines.push(
      `${m.name} reads ${m.inputSize}-px images: about ${ratio}× the work per image of a ${smallest}-px model here; its features take longest.`,
    );
  }
  return lines;
}
