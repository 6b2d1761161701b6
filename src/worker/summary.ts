// What the UI needs to show about a dataset before a run: classes, counts per split and skipped files.
// Pure (no DOM, no tfjs) so the worker computes it and tests check it without a browser.

import { fewShotFeasibility } from '../core/probes/preconditions.ts';
import type { DatasetListing, InputIssue } from '../core/types.ts';

export interface SplitCounts {
  train: number;
  val: number;
  test: number;
  /** Items outside train/ val/ test/ (a plain ImageFolder): the pipeline splits them itself. */
  unsplit: number;
}

export interface ClassCount extends SplitCounts {
  name: string;
  total: number;
}

export interface DatasetSummary {
  name: string;
  fingerprint: string;
  multiLabel: boolean;
  total: number;
  splits: SplitCounts;
  classes: ClassCount[];
  issues: InputIssue[];
}

function emptyCounts(): SplitCounts {
  return { train: 0, val: 0, test: 0, unsplit: 0 };
}

function bump(counts: SplitCounts, split: keyof SplitCounts): void {
  counts[split] += 1;
}

export function summariseListing(listing: DatasetListing): DatasetSummary {
  const splits = emptyCounts();
  const perClass = listing.classNames.map(emptyCounts);
  for (const item of listing.items) {
    const split = item.split ?? 'unsplit';
    bump(splits, split);
    // Multi-label items count once for each positive class.
    const labels = item.labels ?? (item.label >= 0 ? [item.label] : []);
    for (const label of labels) if (perClass[label]) bump(perClass[label], split);
  }
  const classes = listing.classNames.map((name, i) => {
    const c = perClass[i];
    return { name, ...c, total: c.train + c.val + c.test + c.unsplit };
  });
  return {
    name: listing.name,
    fingerprint: listing.fingerprint,
    multiLabel: listing.multiLabel,
    total: listing.items.length,
    splits,
    classes,
    issues: listing.issues,
  };
}

/**
 * The few-shot settings a dataset can support: `ways` is capped by the number of classes, and a shot count k
 * is kept only when enough classes have k + queries images (core/probes/preconditions.ts: the one copy of
 * the rule, which the few-shot probe checks again on the images actually usable).
 */
export function feasibleFewShot(
  summary: DatasetSummary,
  wanted: { ways: number; shots: number[]; queries: number },
): { ways: number; shots: number[] } {
  const ways = Math.min(wanted.ways, summary.classes.length);
  if (ways < 2) return { ways, shots: [] };
  const sizes = summary.classes.map((c) => c.total);
  const shots = fewShotFeasibility(sizes, { ...wanted, ways })
    .filter((f) => f.problem === null)
    .map((f) => f.shots);
  return { ways, shots };
}
