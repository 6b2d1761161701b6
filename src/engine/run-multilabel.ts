// The multi-label linear probe in the pipeline (labels.csv sets with several labels per image): one-vs-rest
// logistic regressions swept on validation mAP, scored by the paper's 11-point mAP on test
// (probes/multilabel.ts). Few-shot and colour probes are single-label by definition and are skipped
// with a reason for such sets.

import type { LinearSettings, Score } from '../core/record/types.ts';
import type { ProbeOutcome } from '../core/stats/compare.ts';
import type { ItemFeatures, ModelContext } from './pipeline.ts';
import { type MultiLabelSet, multiLabelLinearProbe } from './probes/multilabel.ts';

/** Rows of `feats` whose items are in `members`, with n × k 0/1 targets from the items' labels. */
export function multiLabelSubset(
  ctx: ModelContext,
  feats: ItemFeatures,
  members: number[],
): MultiLabelSet & { items: number[] } {
  const k = ctx.listing.classNames.length;
  const wanted = new Set(members);
  const rows: number[] = [];
  feats.index.forEach((item, row) => {
    if (wanted.has(item)) rows.push(row);
  });
  const X = new Float32Array(rows.length * feats.dim);
  const Y = new Uint8Array(rows.length * k);
  const items = rows.map((row) => feats.index[row]);
  rows.forEach((row, i) => {
    X.set(feats.features.subarray(row * feats.dim, (row + 1) * feats.dim), i * feats.dim);
    const item = ctx.listing.items[items[i]];
    for (const c of item.labels ?? (item.label >= 0 ? [item.label] : [])) Y[i * k + c] = 1;
  });
  return { X, Y, n: rows.length, d: feats.dim, items };
}

export async function runMultiLabel(
  ctx: ModelContext,
  feats: ItemFeatures,
): Promise<{ scores: Score[]; settings: LinearSettings; outcome: ProbeOutcome }> {
  const { plan, req, hooks, listing, backbone } = ctx;
  const k = listing.classNames.length;
  const test = multiLabelSubset(ctx, feats, plan.test);
  const result = await multiLabelLinearProbe(
    multiLabelSubset(ctx, feats, plan.train),
    plan.val ? multiLabelSubset(ctx, feats, plan.val) : null,
    test,
    { mode: req.settings.linearMode, nClasses: k, seed: req.settings.seed },
    {
      cancel: hooks.cancel,
      onProgress: (p) =>
        hooks.onProgress?.({ ...p, stage: `${backbone.card.name}: ${p.stage}`, model: backbone.card.id }),
    },
  );
  const score: Score = {
    model: backbone.card.id,
    dataset: listing.name,
    probe: 'linear',
    metric: 'map11',
    value: result.testScore,
    extra: { log10C: result.chosenLog10C },
  };
  const outcome: ProbeOutcome = {
    kind: 'per-image-scores',
    model: backbone.card.id,
    dataset: listing.name,
    probe: 'linear',
    metric: 'map11',
    items: test.items,
    scores: result.testScores,
    targets: test.Y,
    k,
  };
  return { scores: [score], settings: result.settings, outcome };
}

/** Every probe asked for, on a multi-label set: the linear probe by mAP; the single-label ones say why not. */
export async function evaluateMultiLabel(
  ctx: ModelContext,
  linearFeatures: () => Promise<ItemFeatures>,
  publish: (scores: Score[], protocol: { linear?: LinearSettings }) => void,
): Promise<void> {
  const { req, hooks, listing } = ctx;
  const singleLabel = req.probes.filter((p) => p !== 'linear');
  if (singleLabel.length > 0 && ctx.record.models.length === 1) {
    hooks.onIssues?.(
      singleLabel.map((probe) => ({
        key: listing.name,
        action: 'warned' as const,
        reason: `${probe} not computed: it needs one label per image, and this dataset is multi-label (labels.csv); the linear probe reports 11-point mAP instead.`,
      })),
    );
  }
  if (!req.probes.includes('linear')) return;
  const { scores, settings, outcome } = await runMultiLabel(ctx, await linearFeatures());
  ctx.outcomes?.push(outcome);
  publish(scores, { linear: settings });
}
