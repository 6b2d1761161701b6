// What the paired tests need per model (PairedOutcome), as plain JSON: `tlab eval --shard` writes it beside its
// record (`paired`), so `tlab merge` can recompute record.comparisons across the models of every shard, exactly
// as one unsharded run computes them. Choice: the record itself keeps only the tests' results (records and
// links stay small); only shard outputs carry per-image data. Read as hostile input (checked, capped).

import { METRIC_NAMES } from '../probes/metrics.ts';
import { array, integer, number, object, oneOf, string } from '../record/checks.ts';
import type { PairedOutcome } from './compare.ts';

const MAX_ITEMS = 10_000_000;
const MAX_OUTCOMES = 100_000;

/** Correctness and 0/1 targets as a string of '0'/'1' (a fraction of a number array's size). */
const bits = (x: ArrayLike<number>) => Array.from(x, (v) => (v ? '1' : '0')).join('');

export function pairedToJson(outcomes: readonly PairedOutcome[]): unknown[] {
  return outcomes.map((o) => {
    const base = { kind: o.kind, model: o.model, dataset: o.dataset, probe: o.probe, metric: o.metric };
    if (o.kind === 'episodes') return { ...base, pairing: o.pairing, accuracies: Array.from(o.accuracies) };
    if (o.kind === 'per-image')
      return {
        ...base,
        items: Array.from(o.items),
        correct: bits(o.correct),
        labels: Array.from(o.labels),
        nClasses: o.nClasses,
      };
    return {
      ...base,
      items: Array.from(o.items),
      scores: Array.from(o.scores),
      targets: bits(o.targets),
      k: o.k,
    };
  });
}

function bitsOf(x: unknown, field: string, length: number): Uint8Array {
  const text = string(x, field, MAX_ITEMS);
  if (text.length !== length || !/^[01]*$/.test(text))
    throw new TypeError(`${field}: not ${length} 0/1 digits`);
  return Uint8Array.from(text, (c) => (c === '1' ? 1 : 0));
}

const integers = (x: unknown, field: string) =>
  array(x, field, MAX_ITEMS).map((v, i) => integer(v, `${field}[${i}]`, -1, Number.MAX_SAFE_INTEGER));
const numbers = (x: unknown, field: string) =>
  array(x, field, MAX_ITEMS).map((v, i) => number(v, `${field}[${i}]`));

export function pairedFromJson(x: unknown, field = 'paired'): PairedOutcome[] {
  return array(x, field, MAX_OUTCOMES).map((item, i) => {
    const f = `${field}[${i}]`;
    const o = object(item, f);
    const base = {
      model: string(o.model, `${f}.model`, 256),
      dataset: string(o.dataset, `${f}.dataset`, 1_000),
      probe: string(o.probe, `${f}.probe`, 64),
      metric: oneOf(o.metric, `${f}.metric`, METRIC_NAMES),
    };
    const kind = oneOf(o.kind, `${f}.kind`, ['episodes', 'per-image', 'per-image-scores'] as const);
    if (kind === 'episodes')
      return {
        kind,
        ...base,
        pairing: string(o.pairing, `${f}.pairing`, MAX_ITEMS),
        accuracies: numbers(o.accuracies, `${f}.accuracies`),
      };
    const items = integers(o.items, `${f}.items`);
    if (kind === 'per-image') {
      const labels = integers(o.labels, `${f}.labels`);
      if (labels.length !== items.length) throw new TypeError(`${f}.labels: one per item`);
      return {
        kind,
        ...base,
        items,
        correct: bitsOf(o.correct, `${f}.correct`, items.length),
        labels,
        nClasses: integer(o.nClasses, `${f}.nClasses`, 1, 1_000_000),
      };
    }
    const k = integer(o.k, `${f}.k`, 1, 1_000_000);
    const scores = numbers(o.scores, `${f}.scores`);
    if (scores.length !== items.length * k) throw new TypeError(`${f}.scores: items × k values`);
    return { kind, ...base, items, scores, targets: bitsOf(o.targets, `${f}.targets`, items.length * k), k };
  });
}
