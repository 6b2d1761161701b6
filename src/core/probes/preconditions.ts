// Checks every probe makes before any of its own work, so a degenerate dataset gives "not computed: <why>"
// instead of a confident number (one class → 100 %, no test images → 0 %).

import type { FewShotRequest } from './settings.ts';
import type { ProbeFacts } from './types.ts';

/** How many images list in a reason before "and N more". */
const NAMES_SHOWN = 5;

export function nameList(names: string[]): string {
  const shown = names.slice(0, NAMES_SHOWN).join(', ');
  return names.length > NAMES_SHOWN ? `${shown} and ${names.length - NAMES_SHOWN} more` : shown;
}

function distinct(labels: Int32Array): number[] {
  return [...new Set(labels)].sort((a, b) => a - b);
}

/**
 * Why a probe that trains on the train split and scores the test split cannot run, or null: both splits
 * need images of two or more classes, and every feature must be finite.
 */
export function trainTestProblem(facts: ProbeFacts): string | null {
  const finite = nonFiniteProblem(facts);
  if (finite) return finite;
  if (facts.multiLabel || facts.train.some((y) => y < 0) || facts.test.some((y) => y < 0))
    return 'this probe is single-label and the dataset is multi-label (labels.csv)';
  if (facts.test.length === 0) return 'the test split is empty (no usable test images)';
  if (facts.train.length === 0) return 'the train split is empty (no usable training images)';
  for (const [split, labels] of [
    ['train', facts.train],
    ['test', facts.test],
  ] as const) {
    const classes = distinct(labels);
    if (classes.length < 2) {
      const which = classes.length === 1 ? ` (only '${facts.classNames[classes[0]] ?? classes[0]}')` : '';
      return `it needs images of two or more classes in ${split}; ${split} has ${classes.length}${which}`;
    }
  }
  return null;
}

/** Why the multi-label linear probe (one-vs-rest, mAP) cannot run, or null: it needs train and test images. */
export function multiLabelProblem(facts: ProbeFacts): string | null {
  const finite = nonFiniteProblem(facts);
  if (finite) return finite;
  if (facts.test.length === 0) return 'the test split is empty (no usable test images)';
  if (facts.train.length === 0) return 'the train split is empty (no usable training images)';
  return null;
}

export function nonFiniteProblem(facts: ProbeFacts): string | null {
  if (facts.nonFinite.length === 0) return null;
  return `the features of ${facts.nonFinite.length} image(s) are not finite (NaN or ±Inf): ${nameList(facts.nonFinite)}`;
}

/** Images per class of a label vector (index = class; classes absent from it count 0). */
export function classSizes(labels: Int32Array, classes: number): number[] {
  const sizes = new Array<number>(classes).fill(0);
  for (const y of labels) if (y >= 0 && y < classes) sizes[y] += 1;
  return sizes;
}

export interface ShotFeasibility {
  shots: number;
  /** Classes with at least shots + queries images: the ones episodes draw from. */
  eligible: number[];
  /** Classes left out for having too few images. */
  dropped: number[];
  /** Why this setting cannot run, or null when it can. */
  problem: string | null;
}

/**
 * Which k-shot settings the per-class sizes support: k shots need `ways` classes with at least k + queries
 * images each (support + queries; the protocol's rule, over every split). The one copy of this rule: the
 * run panel plans with it and the few-shot probe checks with it.
 */
export function fewShotFeasibility(
  sizes: number[],
  req: Pick<FewShotRequest, 'ways' | 'shots' | 'queries'>,
): ShotFeasibility[] {
  return req.shots.map((k) => {
    const need = k + req.queries;
    const eligible = sizes.flatMap((n, c) => (n >= need ? [c] : []));
    const dropped = sizes.flatMap((n, c) => (n > 0 && n < need ? [c] : []));
    const problem =
      eligible.length >= Math.max(req.ways, 2)
        ? null
        : `${req.ways}-way ${k}-shot needs ${Math.max(req.ways, 2)} classes with at least ${need} images ` +
          `(${k} support + ${req.queries} queries); this dataset has ${eligible.length}`;
    return { shots: k, eligible, dropped, problem };
  });
}
