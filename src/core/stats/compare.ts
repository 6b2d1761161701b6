// compareModels: every pair of models evaluated on the same test images (or few-shot episodes) for one
// dataset and probe, tested for a real difference, with Holm's correction across the pairs of that
// (dataset, probe). Pure: the pipeline hands in what the probes measured per image / per episode and
// stores the result in record.comparisons. Which test:
//   top-1 of a single-label probe   → McNemar's exact test on per-image correctness
//   mean per-class accuracy          → paired bootstrap (BOOTSTRAP_RESAMPLES resamples of the test images)
//   11-point mAP (multi-label)       → paired bootstrap (BOOTSTRAP_RESAMPLES_MAP resamples)
//   few-shot accuracy                → paired t-test over episodes (paired by the seed)
//   attentive diffusion              → paired t-test over the sampled images (paired by image)

import type { Comparison, MetricName } from '../record/types.ts';
import { pairedFromResampled, type Resampled, resampleMap11, resampleMeanPerClass } from './bootstrap.ts';
import { holmAdjust } from './holm.ts';
import { mcnemarExact } from './mcnemar.ts';
import { pairedTTest } from './paired-t.ts';

interface OutcomeBase {
  model: string;
  dataset: string;
  probe: string;
  metric: MetricName;
}

/** Per-image correctness of a single-label probe on its test images. */
export interface PerImageOutcome extends OutcomeBase {
  kind: 'per-image';
  /** Identity of each test image (e.g. its index in the dataset listing); pairs are matched on it. */
  items: ArrayLike<number>;
  correct: ArrayLike<number>;
  labels: ArrayLike<number>;
  nClasses: number;
}

/** Per-image class scores of a multi-label probe (row-major n × k) and the 0/1 targets. */
export interface PerImageScoresOutcome extends OutcomeBase {
  kind: 'per-image-scores';
  items: ArrayLike<number>;
  scores: ArrayLike<number>;
  targets: ArrayLike<number>;
  k: number;
}

/**
 * Paired samples tested with a paired t-test: per-episode accuracies of few-shot episodes (`pairing` names the
 * image pool the episodes came from), or per-image values of attentive diffusion (`pairing`: the image list).
 */
export interface EpisodesOutcome extends OutcomeBase {
  kind: 'episodes';
  pairing: string;
  accuracies: ArrayLike<number>;
}

export type PairedOutcome = PerImageOutcome | PerImageScoresOutcome | EpisodesOutcome;

/** Every pair within each (dataset, probe, metric), in the order the models were first seen. */
export function compareModels(outcomes: readonly PairedOutcome[], opts: { seed: number }): Comparison[] {
  const groups = new Map<string, PairedOutcome[]>();
  for (const o of outcomes) {
    const key = JSON.stringify([o.dataset, o.probe, o.metric]);
    groups.set(key, [...(groups.get(key) ?? []), o]);
  }
  const out: Comparison[] = [];
  for (const group of groups.values()) {
    const family: Omit<Comparison, 'pHolm'>[] = [];
    // Bootstrap values per model, reused by every pair that pairs all its test images (the usual case).
    const cache = new Map<PairedOutcome, Resampled>();
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        const tested = comparePair(group[i], group[j], opts.seed, cache);
        if (tested) family.push(tested);
      }
    }
    const holm = holmAdjust(family.map((c) => c.pValue));
    for (const [i, c] of family.entries()) out.push({ ...c, pHolm: holm[i] });
  }
  return out;
}

type Tested = Omit<Comparison, 'pHolm'>;

/** One pair, or null when the two were not measured on the same images or episodes (nothing to pair). */
function comparePair(
  a: PairedOutcome,
  b: PairedOutcome,
  seed: number,
  cache: Map<PairedOutcome, Resampled>,
): Tested | null {
  const base = {
    dataset: a.dataset,
    probe: a.probe,
    metric: a.metric,
    models: [a.model, b.model] as [string, string],
  };
  if (a.kind === 'episodes' && b.kind === 'episodes') {
    if (a.pairing !== b.pairing || a.accuracies.length !== b.accuracies.length || a.accuracies.length < 2)
      return null;
    const t = pairedTTest(a.accuracies, b.accuracies);
    const statistic = Number.isFinite(t.statistic) ? t.statistic : null;
    return {
      ...base,
      test: 'paired-t',
      n: a.accuracies.length,
      difference: t.difference,
      statistic,
      pValue: t.pValue,
    };
  }
  if (a.kind === 'per-image' && b.kind === 'per-image') return comparePerImage(a, b, base, seed, cache);
  if (a.kind === 'per-image-scores' && b.kind === 'per-image-scores')
    return compareScores(a, b, base, seed, cache);
  return null;
}

function comparePerImage(
  a: PerImageOutcome,
  b: PerImageOutcome,
  base: Pick<Tested, 'dataset' | 'probe' | 'metric' | 'models'>,
  seed: number,
  cache: Map<PairedOutcome, Resampled>,
): Tested | null {
  const [rowsA, rowsB] = commonRows(a.items, b.items);
  if (rowsA.length === 0) return null;
  const correctA = rowsA.map((r) => (a.correct[r] ? 1 : 0));
  const correctB = rowsB.map((r) => (b.correct[r] ? 1 : 0));
  const n = rowsA.length;
  if (a.metric === 'mean-per-class') {
    const labels = rowsA.map((r) => a.labels[r]);
    const whole = everyRow(rowsA, a.items.length) && everyRow(rowsB, b.items.length);
    const resample = (o: PerImageOutcome, correct: number[]) =>
      cachedIf(whole, cache, o, () => resampleMeanPerClass(correct, labels, a.nClasses, { seed }));
    const boot = pairedFromResampled(resample(a, correctA), resample(b, correctB));
    return {
      ...base,
      test: 'paired-bootstrap',
      n,
      difference: boot.difference,
      statistic: boot.difference,
      pValue: boot.pValue,
    };
  }
  const m = mcnemarExact(correctA, correctB);
  const difference = (m.onlyA - m.onlyB) / n; // top-1(A) − top-1(B): only discordant images differ
  return { ...base, test: 'mcnemar-exact', n, difference, statistic: m.statistic, pValue: m.pValue };
}

/** Whether `rows` is every row 0..length-1 in order (the pair uses all of the outcome's test images). */
function everyRow(rows: number[], length: number): boolean {
  return rows.length === length && rows.every((r, i) => r === i);
}

/** A model's resampled values, computed once per outcome when every pair uses all of its images. */
function cachedIf(
  whole: boolean,
  cache: Map<PairedOutcome, Resampled>,
  outcome: PairedOutcome,
  compute: () => Resampled,
): Resampled {
  if (!whole) return compute();
  let found = cache.get(outcome);
  if (found === undefined) cache.set(outcome, (found = compute()));
  return found;
}

function compareScores(
  a: PerImageScoresOutcome,
  b: PerImageScoresOutcome,
  base: Pick<Tested, 'dataset' | 'probe' | 'metric' | 'models'>,
  seed: number,
  cache: Map<PairedOutcome, Resampled>,
): Tested | null {
  const [rowsA, rowsB] = commonRows(a.items, b.items);
  if (rowsA.length === 0 || a.k !== b.k) return null;
  const k = a.k;
  const n = rowsA.length;
  const pick = (src: ArrayLike<number>, rows: number[]) => {
    const out = new Float64Array(rows.length * k);
    rows.forEach((r, i) => {
      for (let c = 0; c < k; c++) out[i * k + c] = src[r * k + c];
    });
    return out;
  };
  const targets = pick(a.targets, rowsA);
  const whole = everyRow(rowsA, a.items.length) && everyRow(rowsB, b.items.length);
  const resample = (o: PerImageScoresOutcome, rows: number[]) =>
    cachedIf(whole, cache, o, () => resampleMap11(pick(o.scores, rows), targets, n, k, { seed }));
  const boot = pairedFromResampled(resample(a, rowsA), resample(b, rowsB));
  return {
    ...base,
    test: 'paired-bootstrap',
    n,
    difference: boot.difference,
    statistic: boot.difference,
    pValue: boot.pValue,
  };
}

/** Row numbers in A and in B of the items both have, in A's order. */
function commonRows(itemsA: ArrayLike<number>, itemsB: ArrayLike<number>): [number[], number[]] {
  const rowOfB = new Map<number, number>();
  for (let r = 0; r < itemsB.length; r++) rowOfB.set(itemsB[r], r);
  const rowsA: number[] = [];
  const rowsB: number[] = [];
  for (let r = 0; r < itemsA.length; r++) {
    const rb = rowOfB.get(itemsA[r]);
    if (rb !== undefined) {
      rowsA.push(r);
      rowsB.push(rb);
    }
  }
  return [rowsA, rowsB];
}
