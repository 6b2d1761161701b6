// THE probe registry: the only list of probes. The pipeline, the CLI flags, the run panel, the record
// validator, the results table, the CSV and the permalink read it. Adding a probe = its descriptor here
// (descriptors/<probe>.ts), its runner in src/engine/probes/runners/ (+ one line in runners/index.ts), and
// its chart if it has one. Order = the order probes run and appear.

import { colourProbeDescriptor } from './descriptors/colour.ts';
import { diffusionProbeDescriptor } from './descriptors/diffusion.ts';
import { fewShotProbeDescriptor } from './descriptors/fewshot.ts';
import { knnProbeDescriptor } from './descriptors/knn.ts';
import { linearProbeDescriptor } from './descriptors/linear.ts';
import { type MetricName, metricInfo } from './metrics.ts';
import type { EvalSettings } from './settings.ts';
import type { ProbeDescriptor, ProbeKind } from './types.ts';

export const PROBES: readonly ProbeDescriptor[] = [
  linearProbeDescriptor,
  fewShotProbeDescriptor,
  colourProbeDescriptor,
  knnProbeDescriptor,
  diffusionProbeDescriptor,
];

export const PROBE_KINDS: readonly ProbeKind[] = PROBES.map((p) => p.kind);

export function isProbeKind(x: string): x is ProbeKind {
  return (PROBE_KINDS as readonly string[]).includes(x);
}

export function probeDescriptor(kind: ProbeKind): ProbeDescriptor {
  const found = PROBES.find((p) => p.kind === kind);
  if (!found) throw new Error(`unknown probe '${kind}'`);
  return found;
}

/** The protocol's defaults, assembled from every probe's part (protocol.md). */
export const DEFAULT_SETTINGS: EvalSettings = Object.assign(
  { seed: 0 },
  ...PROBES.map((p) => p.defaults),
) as EvalSettings;

/** Every problem of the settings of the chosen probes (empty when the run can start). */
export function settingsProblems(settings: EvalSettings, probes: readonly ProbeKind[]): string[] {
  const seed = Number.isInteger(settings.seed) && settings.seed >= 0 ? [] : ['seed must be an integer ≥ 0'];
  return [...seed, ...probes.flatMap((k) => probeDescriptor(k).validate(settings))];
}

/** A readable name for a score's probe; names no probe claims (other labs, future versions) show as is. */
export function scoreLabel(scoreProbe: string): string {
  for (const p of PROBES) {
    const label = p.scoreLabel(scoreProbe);
    if (label !== null) return label;
  }
  return scoreProbe;
}

/** The probe that emits a score name, or null. */
export function descriptorOfScore(scoreProbe: string): ProbeDescriptor | null {
  return PROBES.find((p) => p.scoreLabel(scoreProbe) !== null) ?? null;
}

export function isHigherBetter(metric: MetricName): boolean {
  return metricInfo(metric).direction === 'higher-is-better';
}

/** False for descriptive metrics (attentive diffusion): no value of theirs is "best", so none is marked. */
export function hasBest(metric: MetricName): boolean {
  return metricInfo(metric).direction !== 'descriptive';
}
