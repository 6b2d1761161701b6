// record.comparisons inside a permalink's compact JSON: one short array per test, models and datasets by
// index. p-values and differences keep full precision (a Holm p of 0.0499 must stay under 0.05 on the
// other side, so the significance marks match the original exactly). The metric is an index into the link's
// metric table: the frozen V1_METRIC_ORDER in r1 links, the link's own list of names in r2.

import { array, integer, number, oneOf, string } from './checks.ts';
import type { Comparison, MetricName, RecordDataset, RecordModel, ResultRecord } from './types.ts';
import { COMPARISON_TESTS } from './validate-comparisons.ts';

/** [modelA, modelB, dataset, probe, metric, test, n, difference, statistic | null, p, pHolm] */
export type CompactComparison = [
  number,
  number,
  number,
  string,
  number,
  number,
  number,
  number,
  number | null,
  number,
  number,
];

export function compactComparisons(r: ResultRecord, metrics: readonly MetricName[]): CompactComparison[] {
  const model = new Map(r.models.map((m, i) => [m.id, i]));
  const dataset = new Map(r.datasets.map((d, i) => [d.name, i]));
  return (r.comparisons ?? []).map((c) => [
    model.get(c.models[0])!,
    model.get(c.models[1])!,
    dataset.get(c.dataset)!,
    c.probe,
    metrics.indexOf(c.metric),
    COMPARISON_TESTS.indexOf(c.test),
    c.n,
    c.difference,
    c.statistic,
    c.pValue,
    c.pHolm,
  ]);
}

export function readComparisons(
  x: unknown,
  models: RecordModel[],
  datasets: RecordDataset[],
  metrics: readonly MetricName[],
): Comparison[] {
  return array(x, 'comparisons', 100_000).map((item, i) => {
    const f = `comparisons[${i}]`;
    const c = array(item, f, 11);
    const idx = (j: number, size: number) => integer(c[j], `${f}[${j}]`, 0, size - 1);
    return {
      models: [models[idx(0, models.length)].id, models[idx(1, models.length)].id],
      dataset: datasets[idx(2, datasets.length)].name,
      probe: string(c[3], `${f}[3]`, 64),
      metric: oneOf(metrics[idx(4, metrics.length)], `${f}[4]`, metrics),
      test: oneOf(COMPARISON_TESTS[idx(5, COMPARISON_TESTS.length)], `${f}[5]`, COMPARISON_TESTS),
      n: number(c[6], `${f}[6]`),
      difference: number(c[7], `${f}[7]`),
      statistic: c[8] === null ? null : number(c[8], `${f}[8]`),
      pValue: number(c[9], `${f}[9]`),
      pHolm: number(c[10], `${f}[10]`),
    };
  });
}
