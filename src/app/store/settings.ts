// The run's protocol settings, adapted to what the chosen dataset can support. The defaults and the probe
// list come from the registry (core/probes), which imports no tfjs, so the UI thread stays light.

import { DEFAULT_SETTINGS } from '../../core/probes/registry.ts';
import type { EvalSettings } from '../../core/probes/settings.ts';
import type { ProbeKind } from '../../core/probes/types.ts';
import { type DatasetSummary, feasibleFewShot } from '../../worker/summary.ts';

export interface RunPlan {
  probes: ProbeKind[];
  settings: EvalSettings;
  /** What was changed from the defaults and why, shown next to the Run button. */
  notes: string[];
}

/**
 * Few-shot ways are narrowed to the dataset's classes; settings the dataset cannot support still run and
 * come back "not computed" with the reason (the probe checks its preconditions), and a note says so now.
 */
export function planRun(
  summary: DatasetSummary,
  probes: ProbeKind[],
  base: EvalSettings = DEFAULT_SETTINGS,
): RunPlan {
  const notes: string[] = [];
  let fewshot = base.fewshot;
  if (probes.includes('fewshot')) {
    const { ways, shots } = feasibleFewShot(summary, base.fewshot);
    const dropped = base.fewshot.shots.filter((k) => !shots.includes(k));
    if (ways < base.fewshot.ways && ways >= 2) {
      notes.push(`Few-shot uses ${ways}-way: the dataset has ${ways} classes`);
      fewshot = { ...base.fewshot, ways };
    }
    if (dropped.length) {
      notes.push(
        `${dropped.join(', ')}-shot will not be computed: too few classes have k + ${base.fewshot.queries} images`,
      );
    }
  }
  return { probes: [...probes], settings: { ...base, fewshot }, notes };
}
