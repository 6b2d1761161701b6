// Which images train, validate and test a probe. Official splits win; a dataset without a test split gets
// a seeded, stratified hold-out so every class is tested. Few-shot pools every split (protocol).

import { createRng } from './rng.ts';
import type { DatasetItem } from './types.ts';

export interface SplitPlan {
  /** Indices into the listing's items. */
  train: number[];
  /** The dataset's own validation split, or null (the linear probe then draws a seeded 20% of train). */
  val: number[] | null;
  test: number[];
  /** Every usable item, for few-shot episodes. */
  pool: number[];
  /** True when the test split was drawn by the lab rather than given by the dataset. */
  heldOut: boolean;
}

export const HELD_OUT_FRACTION = 0.25;

export function planSplits(items: DatasetItem[], seed: number, testFraction = HELD_OUT_FRACTION): SplitPlan {
  const bySplit = (split: DatasetItem['split']) => indicesWhere(items, (it) => it.split === split);
  const pool = items.map((_, i) => i);
  const given = {
    train: indicesWhere(items, (it) => it.split === 'train' || it.split === null),
    val: bySplit('val'),
  };
  const test = bySplit('test');
  const val = given.val.length > 0 ? given.val : null;
  if (test.length > 0) return { train: given.train, val, test, pool, heldOut: false };
  const { kept, held } = stratifiedHoldOut(items, given.train, testFraction, seed);
  return { train: kept, val, test: held, pool, heldOut: true };
}

function indicesWhere(items: DatasetItem[], pred: (it: DatasetItem) => boolean): number[] {
  const out: number[] = [];
  items.forEach((it, i) => {
    if (pred(it)) out.push(i);
  });
  return out;
}

/** Per class: shuffle with the seed, hold out round(fraction·n) (at least one when the class has two or more). */
function stratifiedHoldOut(
  items: DatasetItem[],
  candidates: number[],
  fraction: number,
  seed: number,
): { kept: number[]; held: number[] } {
  const rng = createRng(seed);
  const byClass = new Map<number, number[]>();
  for (const i of candidates) {
    const label = items[i].label;
    byClass.set(label, [...(byClass.get(label) ?? []), i]);
  }
  const kept: number[] = [];
  const held: number[] = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = rng.shuffle([...byClass.get(label)!]);
    const nHeld = members.length >= 2 ? Math.max(1, Math.round(fraction * members.length)) : 0;
    held.push(...members.slice(0, nHeld));
    kept.push(...members.slice(nHeld));
  }
  const asc = (a: number, b: number) => a - b;
  return { kept: kept.sort(asc), held: held.sort(asc) };
}
