// What a run actually used of a dataset: the files it skipped (name and reason, from listing and from
// decoding) and split counts of the images that went into the probes, not of the files listed.

import type { SplitPlan } from '../eval-plan.ts';
import type { DatasetListing, InputIssue } from '../types.ts';
import type { RecordDataset, SkippedFile } from './types.ts';

/** At most this many skipped files are named in a record (the count stays exact in `skippedCount`). */
export const MAX_SKIPPED_LISTED = 1_000;

export function withUsage(
  dataset: RecordDataset,
  listing: DatasetListing,
  plan: SplitPlan,
  issues: readonly InputIssue[],
): RecordDataset {
  const seen = new Set<string>();
  const skipped: SkippedFile[] = [];
  for (const issue of issues) {
    if (issue.action !== 'skipped' || seen.has(issue.key)) continue;
    seen.add(issue.key);
    skipped.push({ file: issue.key, reason: issue.reason });
  }
  const used = (split: number[] | null) =>
    (split ?? []).filter((i) => !seen.has(listing.items[i].key)).length;
  const out: RecordDataset = {
    ...dataset,
    counts: { train: used(plan.train), val: used(plan.val), test: used(plan.test) },
  };
  if (skipped.length > 0) {
    out.skipped = skipped.slice(0, MAX_SKIPPED_LISTED);
    out.skippedCount = skipped.length;
  }
  return out;
}
