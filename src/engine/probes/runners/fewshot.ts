// The few-shot probe's runner: every usable image (the protocol pools all splits) → seeded episodes for each
// k-shot setting the preconditions let through. Scores say how many classes took part.

import { fewShotScoreName, parseFewShotScoreName } from '../../../core/probes/descriptors/fewshot.ts';
import { gatherRows } from '../../../core/probes/feature-table.ts';
import { classSizes, fewShotFeasibility, nameList } from '../../../core/probes/preconditions.ts';
import type { Score } from '../../../core/record/types.ts';
import type { PairedOutcome } from '../../../core/stats/compare.ts';
import { fewShotProbe } from '../fewshot.ts';
import type { ProbeRunner } from './context.ts';

export const fewShotRunner: ProbeRunner = {
  async run(ctx) {
    const { settings, listing, backbone } = ctx;
    const table = await ctx.table('fewshot');
    const all = gatherRows(table, table.rows.pool);
    const opts = { ...settings.fewshot, seed: settings.seed };
    const blocked = new Set(ctx.verdict.notComputed.map((p) => parseFewShotScoreName(p.probe)?.shots));
    const shots = opts.shots.filter((k) => !blocked.has(k));
    reportDroppedClasses(ctx, all.y, opts);
    const results = await fewShotProbe(
      all,
      { ...opts, shots },
      { cancel: ctx.cancel, onProgress: ctx.onProgress },
    );
    const classesTotal = new Set(all.y).size;
    const scores = results.map(
      (r): Score => ({
        model: backbone.card.id,
        dataset: listing.name,
        probe: fewShotScoreName(opts.ways, r.shots),
        metric: 'top1',
        value: r.mean,
        ci95: r.ci95,
        extra: { episodes: r.episodes, classes: r.classesUsed, classesTotal },
      }),
    );
    // Episodes are seeded, so two models draw the same episodes from the same pool: paired t over episodes.
    const pairing = table.items.join(',');
    const paired = results.map(
      (r): PairedOutcome => ({
        kind: 'episodes',
        model: backbone.card.id,
        dataset: listing.name,
        probe: fewShotScoreName(opts.ways, r.shots),
        metric: 'top1',
        pairing,
        accuracies: r.episodeAccuracies,
      }),
    );
    // The record lists the shot counts that ran (those the preconditions let through), as the app plans them.
    return { scores, protocol: { fewshot: { ...opts, shots } }, paired };
  },
};

/** Says which classes each k-shot setting leaves out for having fewer than k + queries images. */
function reportDroppedClasses(
  ctx: Parameters<ProbeRunner['run']>[0],
  labels: Int32Array,
  opts: { ways: number; shots: number[]; queries: number },
): void {
  const names = ctx.listing.classNames;
  for (const f of fewShotFeasibility(classSizes(labels, names.length), opts)) {
    if (f.problem !== null || f.dropped.length === 0) continue;
    ctx.onIssues([
      {
        key: ctx.listing.name,
        action: 'warned',
        reason:
          `${opts.ways}-way ${f.shots}-shot: ${f.eligible.length} of ${f.eligible.length + f.dropped.length} ` +
          `classes took part; left out for fewer than ${f.shots + opts.queries} images: ` +
          nameList(f.dropped.map((c) => names[c])),
      },
    ]);
  }
}
