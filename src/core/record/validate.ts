// validateRecord: the one gate every ResultRecord from outside (a saved file, a permalink, another
// machine) passes before any view sees it. It returns a fresh object holding only known fields, so
// nothing unexpected (extra keys, prototype tricks) flows on into tables, charts or CSV.

import { validateKnn } from '../probes/descriptors/knn.ts';
import { METRIC_NAMES, METRIC_TABLE, metricInfo } from '../probes/metrics.ts';
import type { KnnRequest } from '../probes/settings.ts';
import { array, boolean, integer, number, object, oneOf, optional, RecordError, string } from './checks.ts';
import {
  type FewShotSettings,
  type LinearSettings,
  type MetricName,
  type NotComputed,
  type ProtocolSettings,
  RESULT_SCHEMA_VERSION,
  type RecordDataset,
  type RecordModel,
  type ResultRecord,
  type Score,
} from './types.ts';
import { validateComparisons } from './validate-comparisons.ts';
import { validateDetails } from './validate-details.ts';

export { RecordError } from './checks.ts';

/** Caps that keep a hostile record from exhausting memory or flooding the page with text. */
export const RECORD_LIMITS = {
  models: 1_000,
  datasets: 1_000,
  scores: 200_000,
  classes: 100_000,
  name: 200,
  hash: 128,
  short: 64,
  extras: 32,
  reason: 1_000,
} as const;

/** Every metric of the registry's append-only table (core/probes/metrics.ts). */
export const METRICS: readonly MetricName[] = METRIC_NAMES;

/** Metrics that are fractions in [0, 1] (shown as %). */
export const FRACTION_METRICS: readonly MetricName[] = METRIC_TABLE.filter((m) => m.percent).map(
  (m) => m.name,
);

const L = RECORD_LIMITS;

/** Checks every field of an untrusted value and returns it as a ResultRecord, or throws RecordError. */
export function validateRecord(x: unknown): ResultRecord {
  const o = object(x, '');
  const schema = validateSchema(o.schema);
  const models = array(o.models, 'models', L.models).map((m, i) => validateModel(m, `models[${i}]`));
  const datasets = array(o.datasets, 'datasets', L.datasets).map((d, i) =>
    validateDataset(d, `datasets[${i}]`),
  );
  const modelIds = uniqueKeys(
    models.map((m) => m.id),
    'models',
    'id',
  );
  const datasetNames = uniqueKeys(
    datasets.map((d) => d.name),
    'datasets',
    'name',
  );
  const scores = array(o.scores, 'scores', L.scores).map((s, i) =>
    validateScore(s, `scores[${i}]`, modelIds, datasetNames),
  );
  rejectDuplicateScores(scores);
  const record: ResultRecord = {
    schema,
    labVersion: string(o.labVersion, 'labVersion', L.short),
    createdAt: validateDate(o.createdAt, 'createdAt'),
    backend: string(o.backend, 'backend', L.short, false),
    seed: integer(o.seed, 'seed', -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    models,
    datasets,
    protocol: validateProtocol(o.protocol, 'protocol'),
    scores,
  };
  const details = optional(o.details, (d) =>
    validateDetails(d, 'details', modelIds, datasetNames, classCounts(datasets)),
  );
  if (details !== undefined) record.details = details;
  const notComputed = optional(o.notComputed, (n) =>
    array(n, 'notComputed', L.scores).map((x, i) =>
      validateNotComputed(x, `notComputed[${i}]`, modelIds, datasetNames),
    ),
  );
  if (notComputed !== undefined) record.notComputed = notComputed;
  const comparisons = optional(o.comparisons, (c) =>
    validateComparisons(c, 'comparisons', modelIds, datasetNames, METRICS),
  );
  if (comparisons !== undefined) record.comparisons = comparisons;
  return record;
}

function validateSchema(x: unknown): number {
  const schema = integer(x, 'schema', 1, Number.MAX_SAFE_INTEGER);
  if (schema > RESULT_SCHEMA_VERSION) {
    throw new RecordError(
      'schema',
      `this result was made by a newer lab (schema ${schema}); this lab reads schema ` +
        `${RESULT_SCHEMA_VERSION} and older. Open it with a newer Transfer Lab.`,
    );
  }
  return schema;
}

function validateDate(x: unknown, field: string): string {
  const s = string(x, field, L.short, false);
  if (Number.isNaN(Date.parse(s))) throw new RecordError(field, `'${s}' is not an ISO 8601 date`);
  return s;
}

function validateModel(x: unknown, field: string): RecordModel {
  const o = object(x, field);
  const top1 = o.imagenetTop1;
  return {
    id: string(o.id, `${field}.id`, L.name, false),
    name: string(o.name, `${field}.name`, L.name, false),
    family: string(o.family, `${field}.family`, L.short),
    architecture: string(o.architecture, `${field}.architecture`, L.short),
    weightsHash: string(o.weightsHash, `${field}.weightsHash`, L.hash),
    featureSize: integer(o.featureSize, `${field}.featureSize`, 1, 1_000_000),
    imagenetTop1: top1 === null ? null : number(top1, `${field}.imagenetTop1`, 0, 100),
  };
}

function validateDataset(x: unknown, field: string): RecordDataset {
  const o = object(x, field);
  const counts = object(o.counts, `${field}.counts`);
  const classNames = array(o.classNames, `${field}.classNames`, L.classes).map((c, i) =>
    string(c, `${field}.classNames[${i}]`, L.name),
  );
  const dataset: RecordDataset = {
    name: string(o.name, `${field}.name`, L.name, false),
    fingerprint: string(o.fingerprint, `${field}.fingerprint`, L.hash),
    classNames,
    counts: {
      train: integer(counts.train, `${field}.counts.train`, 0, Number.MAX_SAFE_INTEGER),
      val: integer(counts.val, `${field}.counts.val`, 0, Number.MAX_SAFE_INTEGER),
      test: integer(counts.test, `${field}.counts.test`, 0, Number.MAX_SAFE_INTEGER),
    },
    multiLabel: boolean(o.multiLabel, `${field}.multiLabel`),
  };
  const classCount = optional(o.classCount, (c) => integer(c, `${field}.classCount`, 0, L.classes));
  if (classCount !== undefined) {
    if (classNames.length > 0 && classNames.length !== classCount) {
      throw new RecordError(
        `${field}.classCount`,
        `${classCount} disagrees with ${classNames.length} class names`,
      );
    }
    dataset.classCount = classCount;
  }
  const skipped = optional(o.skipped, (x) =>
    array(x, `${field}.skipped`, 1_000).map((f, i) => {
      const entry = object(f, `${field}.skipped[${i}]`);
      return {
        file: string(entry.file, `${field}.skipped[${i}].file`, 4_096, false),
        reason: string(entry.reason, `${field}.skipped[${i}].reason`, 1_000),
      };
    }),
  );
  if (skipped !== undefined) dataset.skipped = skipped;
  const skippedCount = optional(o.skippedCount, (c) =>
    integer(c, `${field}.skippedCount`, skipped?.length ?? 0, Number.MAX_SAFE_INTEGER),
  );
  if (skippedCount !== undefined) dataset.skippedCount = skippedCount;
  return dataset;
}

function validateScore(x: unknown, field: string, modelIds: Set<string>, datasets: Set<string>): Score {
  const o = object(x, field);
  const model = string(o.model, `${field}.model`, L.name, false);
  if (!modelIds.has(model))
    throw new RecordError(`${field}.model`, `'${model}' is not one of the record's models`);
  const dataset = string(o.dataset, `${field}.dataset`, L.name, false);
  if (!datasets.has(dataset)) {
    throw new RecordError(`${field}.dataset`, `'${dataset}' is not one of the record's datasets`);
  }
  const metric = oneOf(o.metric, `${field}.metric`, METRICS);
  const [min, max] = metricInfo(metric).range;
  const score: Score = {
    model,
    dataset,
    probe: string(o.probe, `${field}.probe`, L.short, false),
    metric,
    value: number(o.value, `${field}.value`, min, max),
  };
  const ci95 = optional(o.ci95, (c) => number(c, `${field}.ci95`, 0, 1e6));
  if (ci95 !== undefined) score.ci95 = ci95;
  const extra = optional(o.extra, (e) => validateExtra(e, `${field}.extra`));
  if (extra !== undefined) score.extra = extra;
  return score;
}

function validateNotComputed(
  x: unknown,
  field: string,
  modelIds: Set<string>,
  datasets: Set<string>,
): NotComputed {
  const o = object(x, field);
  const model = string(o.model, `${field}.model`, L.name, false);
  if (!modelIds.has(model))
    throw new RecordError(`${field}.model`, `'${model}' is not one of the record's models`);
  const dataset = string(o.dataset, `${field}.dataset`, L.name, false);
  if (!datasets.has(dataset))
    throw new RecordError(`${field}.dataset`, `'${dataset}' is not one of the record's datasets`);
  return {
    model,
    dataset,
    probe: string(o.probe, `${field}.probe`, L.short, false),
    reason: string(o.reason, `${field}.reason`, L.reason, false),
  };
}

function validateExtra(x: unknown, field: string): Record<string, number> {
  const o = object(x, field);
  const keys = Object.keys(o);
  if (keys.length > L.extras)
    throw new RecordError(field, `has ${keys.length} entries, more than ${L.extras}`);
  // Object.fromEntries defines own properties, so a key like "__proto__" cannot reach a prototype.
  return Object.fromEntries(
    keys.map((key) => [
      string(key, `${field} key`, L.short, false),
      number(o[key], `${field}.${key}`, -1e9, 1e9),
    ]),
  );
}

function validateProtocol(x: unknown, field: string): ProtocolSettings {
  const o = object(x, field);
  const protocol: ProtocolSettings = {};
  const linear = optional(o.linear, (l) => validateLinear(l, `${field}.linear`));
  if (linear !== undefined) protocol.linear = linear;
  const fewshot = optional(o.fewshot, (f) => validateFewShot(f, `${field}.fewshot`));
  if (fewshot !== undefined) protocol.fewshot = fewshot;
  const knn = optional(o.knn, (k) => validateKnnProtocol(k, `${field}.knn`));
  if (knn !== undefined) protocol.knn = knn;
  return protocol;
}

function validateKnnProtocol(x: unknown, field: string): KnnRequest {
  const o = object(x, field);
  const knn: KnnRequest = {
    k: array(o.k, `${field}.k`, 16).map((k, i) => integer(k, `${field}.k[${i}]`, 1, 10_000_000)),
    temperature: number(o.temperature, `${field}.temperature`, 1e-6, 1e6),
  };
  const problems = validateKnn(knn);
  if (problems.length > 0) throw new RecordError(field, problems.join('; '));
  return knn;
}

function validateLinear(x: unknown, field: string): LinearSettings {
  const o = object(x, field);
  return {
    mode: oneOf(o.mode, `${field}.mode`, ['paper', 'converged'] as const),
    log10C: array(o.log10C, `${field}.log10C`, 1_000).map((c, i) =>
      number(c, `${field}.log10C[${i}]`, -50, 50),
    ),
    maxIter: integer(o.maxIter, `${field}.maxIter`, 1, 10_000_000),
    tol: number(o.tol, `${field}.tol`, 0, 1),
    warmStart: boolean(o.warmStart, `${field}.warmStart`),
    validation: validateValidation(o.validation, `${field}.validation`),
  };
}

function validateValidation(x: unknown, field: string): LinearSettings['validation'] {
  const o = object(x, field);
  const kind = oneOf(o.kind, `${field}.kind`, ['split', 'random'] as const);
  if (kind === 'split') return { kind };
  return {
    kind,
    fraction: number(o.fraction, `${field}.fraction`, 0, 1),
    seed: integer(o.seed, `${field}.seed`, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
  };
}

function validateFewShot(x: unknown, field: string): FewShotSettings {
  const o = object(x, field);
  return {
    ways: integer(o.ways, `${field}.ways`, 2, 100_000),
    shots: array(o.shots, `${field}.shots`, 100).map((s, i) =>
      integer(s, `${field}.shots[${i}]`, 1, 100_000),
    ),
    queries: integer(o.queries, `${field}.queries`, 1, 100_000),
    episodes: integer(o.episodes, `${field}.episodes`, 1, 10_000_000),
    seed: integer(o.seed, `${field}.seed`, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
  };
}

function uniqueKeys(keys: string[], field: string, keyName: string): Set<string> {
  const seen = new Set<string>();
  keys.forEach((key, i) => {
    if (seen.has(key)) throw new RecordError(`${field}[${i}].${keyName}`, `'${key}' appears twice`);
    seen.add(key);
  });
  return seen;
}

/** Two values for the same cell would make every view ambiguous. */
function rejectDuplicateScores(scores: Score[]): void {
  const seen = new Set<string>();
  scores.forEach((s, i) => {
    const key = JSON.stringify([s.model, s.dataset, s.probe, s.metric]);
    if (seen.has(key)) {
      throw new RecordError(
        `scores[${i}]`,
        `a second ${s.metric} score for ${s.model} / ${s.dataset} / ${s.probe}`,
      );
    }
    seen.add(key);
  });
}

/** Classes per dataset (the dropped-names count when a permalink shortened the list). */
function classCounts(datasets: ResultRecord['datasets']): Map<string, number> {
  return new Map(datasets.map((d) => [d.name, d.classCount ?? d.classNames.length]));
}
