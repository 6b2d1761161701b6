// The per-model feature table: every usable image's pooled features once, with its label and split, built
// once per (model, preprocessing rule) and shared by every probe that needs pooled features. Rows are
// gathered by split here and nowhere else.

import type { SplitPlan } from '../eval-plan.ts';
import type { DatasetListing } from '../types.ts';
import type { ProbeFacts } from './types.ts';

/** Rows of features with their labels: what a probe's run function takes. */
export interface LabelledRows {
  X: Float32Array;
  y: Int32Array;
  n: number;
  d: number;
}

export interface FeatureTable {
  /** Listing item index of each row, in row order. */
  items: number[];
  /** Item keys (file names) of the rows. */
  keys: string[];
  X: Float32Array;
  dim: number;
  y: Int32Array;
  /** Row indices of each split (items that could not be used are in none). */
  rows: { train: number[]; val: number[] | null; test: number[]; pool: number[] };
}

export function buildFeatureTable(
  listing: DatasetListing,
  plan: SplitPlan,
  usedItems: number[],
  X: Float32Array,
  dim: number,
): FeatureTable {
  const rowOf = new Map(usedItems.map((item, row) => [item, row]));
  const rowsOf = (members: number[]) => members.flatMap((i) => (rowOf.has(i) ? [rowOf.get(i)!] : []));
  const val = plan.val ? rowsOf(plan.val) : null;
  return {
    items: usedItems,
    keys: usedItems.map((i) => listing.items[i].key),
    X,
    dim,
    y: Int32Array.from(usedItems, (i) => listing.items[i].label),
    rows: {
      train: rowsOf(plan.train),
      val: val && val.length > 0 ? val : null,
      test: rowsOf(plan.test),
      pool: usedItems.map((_, row) => row),
    },
  };
}

/** The given rows as a dense matrix with labels, in the given order. */
export function gatherRows(table: FeatureTable, rows: number[]): LabelledRows {
  const d = table.dim;
  const X = new Float32Array(rows.length * d);
  const y = new Int32Array(rows.length);
  rows.forEach((row, i) => {
    X.set(table.X.subarray(row * d, (row + 1) * d), i * d);
    y[i] = table.y[row];
  });
  return { X, y, n: rows.length, d };
}

/** Rows whose features hold NaN or ±Inf. */
export function nonFiniteRows(X: Float32Array, d: number): number[] {
  const bad: number[] = [];
  const n = d > 0 ? X.length / d : 0;
  for (let r = 0; r < n; r++) {
    for (let j = r * d; j < (r + 1) * d; j++) {
      if (!Number.isFinite(X[j])) {
        bad.push(r);
        break;
      }
    }
  }
  return bad;
}

/** What the preconditions look at, from a built table. */
export function tableFacts(table: FeatureTable, classNames: string[], multiLabel = false): ProbeFacts {
  const labels = (rows: number[]) => Int32Array.from(rows, (r) => table.y[r]);
  return {
    classNames,
    train: labels(table.rows.train),
    test: labels(table.rows.test),
    pool: table.y,
    // In listing order, so every table of a model names the same images first.
    nonFinite: nonFiniteRows(table.X, table.dim)
      .sort((a, b) => table.items[a] - table.items[b])
      .map((r) => table.keys[r]),
    multiLabel,
  };
}

/** The same facts from the split plan alone, before any feature exists (every listed image counted). */
export function planFacts(listing: DatasetListing, plan: SplitPlan): ProbeFacts {
  const labels = (items: number[]) => Int32Array.from(items, (i) => listing.items[i].label);
  return {
    classNames: listing.classNames,
    train: labels(plan.train),
    test: labels(plan.test),
    pool: labels(plan.pool),
    nonFinite: [],
    multiLabel: listing.multiLabel,
  };
}
