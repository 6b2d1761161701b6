// Validation of record.comparisons (paired significance tests, src/core/stats) from untrusted records.

import { array, integer, number, object, oneOf, RecordError, string } from './checks.ts';
import type { Comparison, ComparisonTest, MetricName } from './types.ts';

export const COMPARISON_TESTS: readonly ComparisonTest[] = ['mcnemar-exact', 'paired-bootstrap', 'paired-t'];
const MAX_COMPARISONS = 100_000;

export function validateComparisons(
  x: unknown,
  field: string,
  modelIds: Set<string>,
  datasets: Set<string>,
  metrics: readonly MetricName[],
): Comparison[] {
  return array(x, field, MAX_COMPARISONS).map((c, i) =>
    validateComparison(c, `${field}[${i}]`, modelIds, datasets, metrics),
  );
}

function validateComparison(
  x: unknown,
  field: string,
  modelIds: Set<string>,
  datasets: Set<string>,
  metrics: readonly MetricName[],
): Comparison {
  const o = object(x, field);
  const dataset = string(o.dataset, `${field}.dataset`, 200, false);
  if (!datasets.has(dataset))
    throw new RecordError(`${field}.dataset`, `'${dataset}' is not one of the record's datasets`);
  const pair = array(o.models, `${field}.models`, 2);
  if (pair.length !== 2) throw new RecordError(`${field}.models`, 'expected two model ids');
  const models = pair.map((m, j) => {
    const id = string(m, `${field}.models[${j}]`, 200, false);
    if (!modelIds.has(id))
      throw new RecordError(`${field}.models[${j}]`, `'${id}' is not one of the record's models`);
    return id;
  }) as [string, string];
  if (models[0] === models[1]) throw new RecordError(`${field}.models`, 'compares a model with itself');
  const pValue = number(o.pValue, `${field}.pValue`, 0, 1);
  const pHolm = number(o.pHolm, `${field}.pHolm`, 0, 1);
  if (pHolm < pValue) throw new RecordError(`${field}.pHolm`, `${pHolm} is below the uncorrected ${pValue}`);
  return {
    dataset,
    probe: string(o.probe, `${field}.probe`, 64, false),
    metric: oneOf(o.metric, `${field}.metric`, metrics),
    models,
    test: oneOf(o.test, `${field}.test`, COMPARISON_TESTS),
    n: integer(o.n, `${field}.n`, 1, Number.MAX_SAFE_INTEGER),
    difference: number(o.difference, `${field}.difference`, -1e6, 1e6),
    statistic: o.statistic === null ? null : number(o.statistic, `${field}.statistic`, -1e300, 1e300),
    pValue,
    pHolm,
  };
}
