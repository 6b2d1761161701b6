// Checks and label remapping for feature matrices handed to the probes from outside (`tlab probe` on .npy
// files): a probe must not turn NaN features, an empty split or a single class into a confident number, and
// labels 5, 17 and 900 are three classes, not 901 (the fit, its C and its score must be those of 0, 1, 2).

/** Features or labels a probe cannot use; the message says which file, which rows and why. */
export class ProbeInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProbeInputError';
  }
}

/** How many rows a message lists before it only counts the rest. */
const ROWS_LISTED = 10;

/** Rows (0-based) holding a NaN or ±Infinity among their d features. */
export function nonFiniteRows(X: Float32Array, n: number, d: number): number[] {
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i * d; j < (i + 1) * d; j++) {
      if (!Number.isFinite(X[j])) {
        rows.push(i);
        break;
      }
    }
  }
  return rows;
}

/** "3, 17 and 42" / "1, 2, …, 10 and 5 more". */
export function listRows(rows: number[]): string {
  const shown = rows.slice(0, ROWS_LISTED).join(', ');
  if (rows.length > ROWS_LISTED) return `${shown} and ${rows.length - ROWS_LISTED} more`;
  return rows.length > 1 ? `${rows.slice(0, -1).join(', ')} and ${rows.at(-1)}` : shown;
}

export interface NamedFeatures {
  /** Names the split in messages, e.g. 'train (feats.npy)'. */
  name: string;
  X: Float32Array;
  y: Int32Array;
  n: number;
  d: number;
}

/** Throws ProbeInputError for zero rows or non-finite features, naming the rows (0-based). */
export function checkFeatures(set: NamedFeatures): void {
  if (set.n === 0) throw new ProbeInputError(`${set.name}: zero rows, so there is nothing to fit or score`);
  if (set.d === 0) throw new ProbeInputError(`${set.name}: zero features per row`);
  const bad = nonFiniteRows(set.X, set.n, set.d);
  if (bad.length > 0) {
    throw new ProbeInputError(
      `${set.name}: ${bad.length} of ${set.n} rows hold NaN or infinite features: row${bad.length > 1 ? 's' : ''} ` +
        `${listRows(bad)} (0-based). No score is computed from them; fix or drop those rows.`,
    );
  }
}

export interface RemappedLabels {
  /** The sets with labels replaced by 0..K-1, in the same order. */
  labels: Int32Array[];
  /** original[i] = the label value that became class i (ascending). */
  original: number[];
}

/**
 * Maps the label values found in any set to 0..K-1 in ascending order, so that sparse or shifted labels
 * (5, 17, 900; or −1, 1) give exactly the fit dense labels give: K classes, not max + 1.
 */
export function remapLabels(sets: Int32Array[]): RemappedLabels {
  const values = new Set<number>();
  for (const y of sets) for (const v of y) values.add(v);
  const original = [...values].sort((a, b) => a - b);
  const index = new Map(original.map((v, i) => [v, i]));
  return { labels: sets.map((y) => Int32Array.from(y, (v) => index.get(v)!)), original };
}

/** Throws ProbeInputError unless `y` holds at least two classes (a classifier needs something to separate). */
export function checkTwoClasses(name: string, y: Int32Array, original: number[]): void {
  const present = new Set(y);
  if (present.size >= 2) return;
  const only = present.size === 1 ? ` (label ${original[[...present][0]]})` : '';
  throw new ProbeInputError(
    `${name}: every row has the same class${only}; a classifier needs at least two classes to separate, so no score is computed`,
  );
}
