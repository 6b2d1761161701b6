// What the paired significance tests need from a probe, collected in the pipeline right after the probe
// runs and kept in memory only until the run ends (compareModels then turns them into
// record.comparisons). Choice: the record keeps the tests' results, not per-image data, so records and
// permalinks stay small; the cost is that an imported record's comparisons cannot be recomputed.

import type { MetricName } from '../core/record/types.ts';
import type { ProbeOutcome } from '../core/stats/compare.ts';
import type { ItemFeatures, ModelContext } from './pipeline.ts';

/** Listing indices of the rows of `feats` that are in `members`, in row order (as run-probes' subset). */
function itemsIn(feats: ItemFeatures, members: number[]): number[] {
  const wanted = new Set(members);
  return feats.index.filter((item) => wanted.has(item));
}

/** Per-image correctness (argmax of the test logits against the label) of one linear probe. */
export function linearOutcome(
  ctx: ModelContext,
  feats: ItemFeatures,
  testLogits: Float32Array,
  metric: MetricName,
): ProbeOutcome {
  const items = itemsIn(feats, ctx.plan.test);
  const k = ctx.listing.classNames.length;
  const labels = Int32Array.from(items, (item) => ctx.listing.items[item].label);
  const correct = new Uint8Array(items.length);
  for (let i = 0; i < items.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (testLogits[i * k + c] > testLogits[i * k + best]) best = c;
    correct[i] = best === labels[i] ? 1 : 0;
  }
  return {
    kind: 'per-image',
    model: ctx.backbone.card.id,
    dataset: ctx.listing.name,
    probe: 'linear',
    metric,
    items,
    correct,
    labels,
    nClasses: k,
  };
}

/** Per-episode accuracies of each few-shot setting; episodes pair up when the image pool is the same. */
export function fewShotOutcomes(
  ctx: ModelContext,
  feats: ItemFeatures,
  settings: { probe: string; accuracies: number[] }[],
): ProbeOutcome[] {
  const pairing = feats.index.join(',');
  return settings.map(({ probe, accuracies }) => ({
    kind: 'episodes',
    model: ctx.backbone.card.id,
    dataset: ctx.listing.name,
    probe,
    metric: 'top1',
    pairing,
    accuracies,
  }));
}
