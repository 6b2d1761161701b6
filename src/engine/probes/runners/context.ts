// What the pipeline hands a probe's runner, and what the runner hands back. Runners import this file, never
// the pipeline (no import circle: pipeline → runners → context).

import type { SplitPlan } from '../../../core/eval-plan.ts';
import type { FeatureTable } from '../../../core/probes/feature-table.ts';
import type { EvalSettings } from '../../../core/probes/settings.ts';
import type { PreconditionVerdict } from '../../../core/probes/types.ts';
import type { ProtocolSettings, Score } from '../../../core/record/types.ts';
import type { PairedOutcome } from '../../../core/stats/compare.ts';
import type {
  CancelToken,
  DatasetListing,
  DatasetSource,
  FeatureCache,
  ImageDecoder,
  InputIssue,
  Progress,
} from '../../../core/types.ts';
import type { PixelSource } from '../../extract.ts';
import type { Backbone, ModelRef } from '../../types.ts';

/** Values one probe gives later probes of the same model, returned explicitly (never read from the record). */
export interface ProbeGifts {
  /** log10 of the C the linear probe chose (the colour probe refits at it). */
  linearLog10C?: number;
}

export interface ProbeContext {
  settings: EvalSettings;
  listing: DatasetListing;
  plan: SplitPlan;
  model: ModelRef;
  /** The model, loaded once (weights hash checked) for every probe of it. */
  backbone: Backbone;
  source: DatasetSource;
  decode: ImageDecoder;
  cache?: FeatureCache;
  pixels?: PixelSource;
  batchSize: number;
  /** The shared feature table of this model for a preprocessing rule (built on first use). */
  table(rule: 'linear' | 'fewshot'): Promise<FeatureTable>;
  /** What earlier probes of this model gave. */
  given: ProbeGifts;
  /** What the preconditions found (parts already reported as not computed). */
  verdict: PreconditionVerdict;
  cancel?: CancelToken;
  /** Progress with the model named; `stage` is prefixed with the model's name. */
  onProgress(p: Progress): void;
  onIssues(issues: InputIssue[]): void;
}

/** A detail for record.details[kind][model][dataset]. */
export interface ProbeDetail {
  kind: string;
  value: unknown;
}

export interface ProbeOutcome {
  scores: Score[];
  details?: ProbeDetail[];
  protocol?: ProtocolSettings;
  gives?: ProbeGifts;
  /**
   * What the paired significance tests need (per-image correctness, per-episode accuracies, per-image class
   * scores), returned explicitly; the pipeline hands every model's to compareModels once, at the end of the
   * run. Kept in memory only (and in a shard's output, so `tlab merge` can recompute the comparisons).
   */
  paired?: PairedOutcome[];
}

export interface ProbeRunner {
  run(ctx: ProbeContext): Promise<ProbeOutcome>;
}

/** Normal-approximation 95% interval half-width of an accuracy measured on n test images. */
export function binomialCi95(p: number, n: number): number {
  return n > 0 ? 1.96 * Math.sqrt((p * (1 - p)) / n) : 0;
}

/** Per-image correctness of a single-label probe's test predictions, paired on listing item indices. */
export function correctnessOutcome(
  ctx: Pick<ProbeContext, 'listing' | 'backbone'>,
  probe: string,
  metric: PairedOutcome['metric'],
  test: { items: ArrayLike<number>; labels: Int32Array; predicted: ArrayLike<number> },
): PairedOutcome {
  const correct = new Uint8Array(test.labels.length);
  for (let i = 0; i < correct.length; i++) correct[i] = test.predicted[i] === test.labels[i] ? 1 : 0;
  return {
    kind: 'per-image',
    model: ctx.backbone.card.id,
    dataset: ctx.listing.name,
    probe,
    metric,
    items: Array.from(test.items),
    correct,
    labels: test.labels,
    nClasses: ctx.listing.classNames.length,
  };
}
