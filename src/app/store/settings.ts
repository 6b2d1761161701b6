// The run's protocol settings, adapted to what the chosen dataset can support.
// Only the type comes from the engine: importing engine code here would pull tfjs onto the UI thread.

import type { EvalSettings, ProbeKind } from '../../engine/pipeline.ts';
import { type DatasetSummary, feasibleFewShot } from '../../worker/summary.ts';

/** The protocol's defaults (protocol.md): 5-way, 5 and 20 shots, 15 queries, 600 episodes; paper-mode linear. */
export const PROTOCOL_SETTINGS: EvalSettings = {
  seed: 0,
  linearMode: 'paper',
  metric: 'top1',
  fewshot: { ways: 5, shots: [5, 20], queries: 15, episodes: 600 },
};

export interface RunPlan {
  probes: ProbeKind[];
  settings: EvalSettings;
  /** What was changed from the defaults and why, shown next to the Run button. */
  notes: string[];
}

export function planRun(
  summary: DatasetSummary,
  probes: ProbeKind[],
  base: EvalSettings = PROTOCOL_SETTINGS,
): RunPlan {
  const notes: string[] = [];
  let planned = [...probes];
  let fewshot = base.fewshot;
  if (planned.includes('fewshot')) {
    const { ways, shots } = feasibleFewShot(summary, base.fewshot);
    const dropped = base.fewshot.shots.filter((k) => !shots.includes(k));
    if (shots.length === 0) {
      planned = planned.filter((p) => p !== 'fewshot');
      notes.push(
        `Few-shot skipped: it needs at least ${Math.max(ways, 2)} classes with ${
          Math.min(...base.fewshot.shots) + base.fewshot.queries
        }+ images each`,
      );
    } else {
      if (ways < base.fewshot.ways) notes.push(`Few-shot uses ${ways}-way: the dataset has ${ways} classes`);
      if (dropped.length) {
        notes.push(
          `${dropped.join(', ')}-shot skipped: too few classes have k + ${base.fewshot.queries} images`,
        );
      }
      fewshot = { ...base.fewshot, ways, shots };
    }
  }
  return { probes: planned, settings: { ...base, fewshot }, notes };
}
