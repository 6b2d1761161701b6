// The seam every probe plugs into: a descriptor (pure data and checks, importable by the UI without tfjs)
// here in core, and a run function over plain arrays in src/engine/probes/runners/ (tfjs-bound).

import type { MetricName } from './metrics.ts';
import type { EvalSettings } from './settings.ts';

/** Every probe the registry knows; the registry (registry.ts) is the only list of them. */
export type ProbeKind = 'linear' | 'fewshot' | 'colour' | 'knn' | 'diffusion';

/**
 * What a probe consumes. 'pooled-features': the shared per-model feature table (one row per image).
 * 'pixels': decoded images (the dataset source + decoder). 'backbone': the loaded model itself (forward
 * passes of its own, e.g. occlusions or greyscale images). 'feature-maps': spatial maps before pooling.
 */
export type ProbeNeed = 'pooled-features' | 'pixels' | 'backbone' | 'feature-maps';

/** The labels a probe will see, per split, once features exist (rows that could not be used are gone). */
export interface ProbeFacts {
  classNames: string[];
  train: Int32Array;
  test: Int32Array;
  /** Every usable row (few-shot's pool). */
  pool: Int32Array;
  /** Names of images whose features are not finite (NaN / ±Inf); empty when all are. */
  nonFinite: string[];
  /** A labels.csv set with several labels per image (only the linear probe runs, scored by mAP). */
  multiLabel?: boolean;
}

/** A result that cannot be computed, and why: a real state of the record, shown instead of a number. */
export interface NotComputedPart {
  /** The score name that would have been reported (e.g. 'linear', 'fewshot-5way-20shot'). */
  probe: string;
  reason: string;
}

export interface PreconditionVerdict {
  /** Parts that cannot be computed (all of the probe's scores when it cannot run at all). */
  notComputed: NotComputedPart[];
  /** False when nothing of the probe can run. */
  runs: boolean;
}

/** One CLI flag of a probe's settings (`tlab eval --<name> <value>`). */
export interface ProbeFlag {
  name: string;
  help: string;
  /** Returns the settings with this flag applied, or throws SettingsError. */
  apply(settings: EvalSettings, value: string): EvalSettings;
}

export interface ProbeDescriptor {
  kind: ProbeKind;
  /** Short name (table group, CLI list). */
  label: string;
  /** One line for the run panel and `--help`. */
  description: string;
  needs: readonly ProbeNeed[];
  /** With 'pooled-features': which of the card's preprocessing rules makes them. */
  featureRule?: 'linear' | 'fewshot';
  /** This probe's part of DEFAULT_SETTINGS. */
  defaults: Partial<EvalSettings>;
  /** Problems with this probe's part of the settings (empty when usable). */
  validate(settings: EvalSettings): string[];
  flags: readonly ProbeFlag[];
  metrics: readonly MetricName[];
  /** A readable label for a score name this probe emits, or null when the name is not this probe's. */
  scoreLabel(scoreProbe: string): string | null;
  /** The score names a run with these settings is expected to report (for "not computed" rows). */
  scoreNames(settings: EvalSettings): string[];
  /** Checked before any of the probe's own work. */
  preconditions(facts: ProbeFacts, settings: EvalSettings): PreconditionVerdict;
  /** A few words shown after a score's number in tables (e.g. how many classes took part), or null. */
  scoreNote?(score: { probe: string; extra?: Record<string, number> }): string | null;
  /** The chart that shows this probe's detail, when it has one. */
  chart?: 'knn-curve';
}
