// The kNN probe's runner: train rows vote for test rows (DINO protocol); the score is top-1 at k = 20 with
// the whole curve over k in its extras, and the record says when k was capped at the train size.

import { headlineK, KNN_PROBE, knnCurveKey, knnRequest } from '../../../core/probes/descriptors/knn.ts';
import { gatherRows } from '../../../core/probes/feature-table.ts';
import type { Score } from '../../../core/record/types.ts';
import { knnProbe } from '../knn.ts';
import { binomialCi95, correctnessOutcome, type ProbeRunner } from './context.ts';

export const knnRunner: ProbeRunner = {
  async run(ctx) {
    const { listing, backbone } = ctx;
    const req = knnRequest(ctx.settings);
    const table = await ctx.table('linear');
    // DINO fits on the train split; the lab's val split (when a dataset has one) joins train, as the linear
    // probe's final refit does.
    const train = gatherRows(table, [...table.rows.train, ...(table.rows.val ?? [])]);
    const test = gatherRows(table, table.rows.test);
    const result = await knnProbe(
      train,
      test,
      { k: req.k, temperature: req.temperature, nClasses: listing.classNames.length },
      { cancel: ctx.cancel, onProgress: ctx.onProgress },
    );
    const headline = headlineK(result.k);
    const value = result.accuracy[result.k.indexOf(headline)];
    const extra: Record<string, number> = { k: headline, trainSize: train.n, temperature: req.temperature };
    result.k.forEach((k, i) => {
      extra[knnCurveKey(k)] = result.accuracy[i];
    });
    if (result.kUsed.some((used, i) => used < result.k[i])) {
      extra.kCappedAt = train.n;
      ctx.onIssues([
        {
          key: listing.name,
          action: 'warned',
          reason: `kNN: k capped at the train size (${train.n}) for k = ${result.k.filter((k) => k > train.n).join(', ')}`,
        },
      ]);
    }
    const score: Score = {
      model: backbone.card.id,
      dataset: listing.name,
      probe: KNN_PROBE,
      metric: 'top1',
      value,
      ci95: binomialCi95(value, test.n),
      extra,
    };
    // McNemar pairs the models' per-image correctness at the headline k (the score the table shows).
    const paired = correctnessOutcome(ctx, KNN_PROBE, 'top1', {
      items: table.rows.test.map((r) => table.items[r]),
      labels: test.y,
      predicted: result.predictions[result.k.indexOf(headline)],
    });
    return {
      scores: [score],
      protocol: { knn: { k: result.k, temperature: req.temperature } },
      paired: [paired],
    };
  },
};
