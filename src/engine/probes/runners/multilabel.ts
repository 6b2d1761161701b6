// The linear probe's multi-label branch (labels.csv sets with several labels per image): one-vs-rest logistic
// regressions swept on validation mAP, scored by the paper's 11-point mAP on test (probes/multilabel.ts). The
// single-label probes are stopped earlier by their preconditions ("not computed: ... multi-label").

import type { FeatureTable } from '../../../core/probes/feature-table.ts';
import type { Score } from '../../../core/record/types.ts';
import type { PairedOutcome } from '../../../core/stats/compare.ts';
import type { DatasetListing } from '../../../core/types.ts';
import { type MultiLabelSet, multiLabelLinearProbe } from '../multilabel.ts';
import type { ProbeContext, ProbeOutcome } from './context.ts';

/** The given rows of the table with n × k 0/1 targets from the items' labels. */
export function multiLabelRows(table: FeatureTable, listing: DatasetListing, rows: number[]): MultiLabelSet {
  const k = listing.classNames.length;
  const d = table.dim;
  const X = new Float32Array(rows.length * d);
  const Y = new Uint8Array(rows.length * k);
  rows.forEach((row, i) => {
    X.set(table.X.subarray(row * d, (row + 1) * d), i * d);
    const item = listing.items[table.items[row]];
    for (const c of item.labels ?? (item.label >= 0 ? [item.label] : [])) Y[i * k + c] = 1;
  });
  return { X, Y, n: rows.length, d };
}

export async function runMultiLabel(ctx: ProbeContext): Promise<ProbeOutcome> {
  const { settings, listing, backbone } = ctx;
  const table = await ctx.table('linear');
  const k = listing.classNames.length;
  const test = multiLabelRows(table, listing, table.rows.test);
  const result = await multiLabelLinearProbe(
    multiLabelRows(table, listing, table.rows.train),
    table.rows.val ? multiLabelRows(table, listing, table.rows.val) : null,
    test,
    { mode: settings.linearMode, nClasses: k, seed: settings.seed },
    { cancel: ctx.cancel, onProgress: ctx.onProgress },
  );
  const cell = { model: backbone.card.id, dataset: listing.name };
  const score: Score = {
    ...cell,
    probe: 'linear',
    metric: 'map11',
    value: result.testScore,
    extra: { log10C: result.chosenLog10C },
  };
  // The paired mAP bootstrap resamples test images: it needs every image's class scores and targets.
  const paired: PairedOutcome = {
    kind: 'per-image-scores',
    ...cell,
    probe: 'linear',
    metric: 'map11',
    items: table.rows.test.map((r) => table.items[r]),
    scores: result.testScores,
    targets: test.Y,
    k,
  };
  return {
    scores: [score],
    protocol: { linear: result.settings },
    gives: { linearLog10C: result.chosenLog10C },
    paired: [paired],
  };
}
