// The compact JSON inside a permalink: arrays instead of objects, each name written once and referred
// to by index, scores as parallel integer columns (fixed-point 1e-4). Deflate then finds the repeats.
// Wire format r2 (written now) names the metrics it uses in a table of its own; r1 (read only, links made
// before the probe registry) referred to a metric by its position in V1_METRIC_ORDER, frozen forever.
// Dropped on purpose: `details` (reliability bins etc. are far too big for a URL) and, when the link
// would grow too long, class names (no table or chart needs them; their count is kept).

import { METRIC_NAMES, type MetricName, V1_METRIC_ORDER } from '../probes/metrics.ts';
import type { KnnRequest } from '../probes/settings.ts';
import { array, integer, number, oneOf, RecordError, string } from './checks.ts';
import { type CompactComparison, compactComparisons, readComparisons } from './permalink-comparisons.ts';
import type {
  FewShotSettings,
  LinearSettings,
  NotComputed,
  ProtocolSettings,
  RecordDataset,
  RecordModel,
  ResultRecord,
  Score,
} from './types.ts';
import { RECORD_LIMITS } from './validate.ts';

const SCALE = 1e4;
const quantise = (x: number) => Math.round(x * SCALE);
const dequantise = (n: number) => n / SCALE;
const NO_CI = -1;

type CompactModel = [string, string, string, string, string, number, number | null];
type CompactDataset = [string, string, string[] | number, number, number, number, 0 | 1];
type CompactValidation = 0 | [number, number];
type CompactLinear = [0 | 1, number[], number, number, 0 | 1, CompactValidation];
type CompactFewShot = [number, number[], number, number, number];
/** k values, temperature (exact: a float64 written as JSON). */
type CompactKnn = [number[], number];
/** Parallel columns: model, dataset, probe indices; reasons. */
type CompactNotComputed = [number[], number[], number[], string[]];
/** Parallel columns: model, dataset, probe, metric indices; value; ci95 (-1 = none); extras as triples. */
type CompactScores = [number[], number[], number[], number[], number[], number[], number[]];
export type CompactRecord = [
  string,
  string,
  string,
  number,
  CompactModel[],
  CompactDataset[],
  [CompactLinear | 0, CompactFewShot | 0, CompactKnn | 0],
  string[],
  string[],
  CompactScores,
  /** r2: the metric names the scores' metric column refers to. */
  string[],
  CompactNotComputed,
  /**
   * Present only when the record has comparisons (paired significance tests); metrics by index into the
   * metric table above. (r1 links of the stats branch carried them as the 11th element instead.)
   */
  CompactComparison[]?,
];

export function toCompact(r: ResultRecord, keepClassNames: boolean): CompactRecord {
  const notComputed = r.notComputed ?? [];
  const probes = [...new Set([...r.scores.map((s) => s.probe), ...notComputed.map((n) => n.probe)])];
  const metrics = [...new Set([...r.scores, ...(r.comparisons ?? [])].map((s) => s.metric))];
  const extraKeys = [...new Set(r.scores.flatMap((s) => Object.keys(s.extra ?? {})))];
  return [
    r.labVersion,
    r.createdAt,
    r.backend,
    r.seed,
    r.models.map(compactModel),
    r.datasets.map((d) => compactDataset(d, keepClassNames)),
    [
      r.protocol.linear ? compactLinear(r.protocol.linear) : 0,
      r.protocol.fewshot ? compactFewShot(r.protocol.fewshot) : 0,
      r.protocol.knn ? [r.protocol.knn.k, r.protocol.knn.temperature] : 0,
    ],
    probes,
    extraKeys,
    compactScores(r, probes, metrics, extraKeys),
    metrics,
    compactNotComputed(r, notComputed, probes),
    ...(r.comparisons?.length ? [compactComparisons(r, metrics)] : []),
  ] as CompactRecord;
}

function compactNotComputed(r: ResultRecord, list: NotComputed[], probes: string[]): CompactNotComputed {
  const modelIndex = new Map(r.models.map((m, i) => [m.id, i]));
  const datasetIndex = new Map(r.datasets.map((d, i) => [d.name, i]));
  return [
    list.map((n) => modelIndex.get(n.model)!),
    list.map((n) => datasetIndex.get(n.dataset)!),
    list.map((n) => probes.indexOf(n.probe)),
    list.map((n) => n.reason),
  ];
}

function compactModel(m: RecordModel): CompactModel {
  const top1 = m.imagenetTop1 === null ? null : dequantise(quantise(m.imagenetTop1));
  return [m.id, m.name, m.family, m.architecture, m.weightsHash, m.featureSize, top1];
}

function compactDataset(d: RecordDataset, keepClassNames: boolean): CompactDataset {
  const classes =
    keepClassNames && d.classNames.length > 0 ? d.classNames : (d.classCount ?? d.classNames.length);
  return [d.name, d.fingerprint, classes, d.counts.train, d.counts.val, d.counts.test, d.multiLabel ? 1 : 0];
}

function compactLinear(l: LinearSettings): CompactLinear {
  const validation: CompactValidation =
    l.validation.kind === 'split' ? 0 : [l.validation.fraction, l.validation.seed];
  return [
    l.mode === 'paper' ? 0 : 1,
    l.log10C.map(quantise),
    l.maxIter,
    l.tol,
    l.warmStart ? 1 : 0,
    validation,
  ];
}

function compactFewShot(f: FewShotSettings): CompactFewShot {
  return [f.ways, f.shots, f.queries, f.episodes, f.seed];
}

function compactScores(
  r: ResultRecord,
  probes: string[],
  metrics: MetricName[],
  extraKeys: string[],
): CompactScores {
  const modelIndex = new Map(r.models.map((m, i) => [m.id, i]));
  const datasetIndex = new Map(r.datasets.map((d, i) => [d.name, i]));
  const columns: CompactScores = [[], [], [], [], [], [], []];
  r.scores.forEach((s, i) => {
    columns[0].push(modelIndex.get(s.model)!);
    columns[1].push(datasetIndex.get(s.dataset)!);
    columns[2].push(probes.indexOf(s.probe));
    columns[3].push(metrics.indexOf(s.metric));
    columns[4].push(quantise(s.value));
    columns[5].push(s.ci95 === undefined ? NO_CI : quantise(s.ci95));
    for (const [key, value] of Object.entries(s.extra ?? {}))
      columns[6].push(i, extraKeys.indexOf(key), quantise(value));
  });
  return columns;
}

// ---- reading back: every position is checked, errors name it (e.g. "models[2][4]") ----

const MAX_ITEMS = RECORD_LIMITS.scores;

export function fromCompact(x: unknown, schema: number): ResultRecord {
  // r1: 10 elements, + comparisons (stats branch links); r2: 12 elements, + comparisons.
  const c = array(x, 'payload', schema === 1 ? 11 : 13);
  const models = array(c[4], 'models', RECORD_LIMITS.models).map((m, i) => readModel(m, `models[${i}]`));
  const datasets = array(c[5], 'datasets', RECORD_LIMITS.datasets).map((d, i) =>
    readDataset(d, `datasets[${i}]`),
  );
  const probes = array(c[7], 'probes', MAX_ITEMS).map((p, i) => string(p, `probes[${i}]`, 64));
  const extraKeys = array(c[8], 'extraKeys', MAX_ITEMS).map((k, i) => string(k, `extraKeys[${i}]`, 64));
  const metrics =
    schema === 1
      ? V1_METRIC_ORDER
      : array(c[10], 'metrics', METRIC_NAMES.length).map((m, i) => oneOf(m, `metrics[${i}]`, METRIC_NAMES));
  const record: ResultRecord = {
    schema,
    labVersion: string(c[0], 'labVersion', 64),
    createdAt: string(c[1], 'createdAt', 64),
    backend: string(c[2], 'backend', 64),
    seed: number(c[3], 'seed'),
    models,
    datasets,
    protocol: readProtocol(c[6], schema),
    scores: readScores(c[9], models, datasets, probes, metrics, extraKeys),
  };
  if (schema >= 2) {
    const notComputed = readNotComputed(c[11], models, datasets, probes);
    if (notComputed.length > 0) record.notComputed = notComputed;
  }
  const comparisons = c[schema === 1 ? 10 : 12];
  if (comparisons !== undefined) record.comparisons = readComparisons(comparisons, models, datasets, metrics);
  return record;
}

function readNotComputed(
  x: unknown,
  models: RecordModel[],
  datasets: RecordDataset[],
  probes: string[],
): NotComputed[] {
  const cols = array(x, 'notComputed', 4).map((col, i) => array(col, `notComputed[${i}]`, MAX_ITEMS));
  const n = cols[0]?.length ?? 0;
  if (cols.length !== 4 || cols.some((col) => col.length !== n))
    throw new RecordError('notComputed', 'columns of different lengths');
  const index = (col: number, i: number, size: number) =>
    integer(cols[col][i], `notComputed[${col}][${i}]`, 0, size - 1);
  return Array.from({ length: n }, (_, i) => ({
    model: models[index(0, i, models.length)].id,
    dataset: datasets[index(1, i, datasets.length)].name,
    probe: probes[index(2, i, probes.length)],
    reason: string(cols[3][i], `notComputed[3][${i}]`, 1_000),
  }));
}

function readModel(x: unknown, field: string): RecordModel {
  const m = array(x, field, 7);
  return {
    id: string(m[0], `${field}[0]`, 200),
    name: string(m[1], `${field}[1]`, 200),
    family: string(m[2], `${field}[2]`, 64),
    architecture: string(m[3], `${field}[3]`, 64),
    weightsHash: string(m[4], `${field}[4]`, 128),
    featureSize: number(m[5], `${field}[5]`),
    imagenetTop1: m[6] === null ? null : number(m[6], `${field}[6]`),
  };
}

function readDataset(x: unknown, field: string): RecordDataset {
  const d = array(x, field, 7);
  const dataset: RecordDataset = {
    name: string(d[0], `${field}[0]`, 200),
    fingerprint: string(d[1], `${field}[1]`, 128),
    classNames: [],
    counts: {
      train: number(d[3], `${field}[3]`),
      val: number(d[4], `${field}[4]`),
      test: number(d[5], `${field}[5]`),
    },
    multiLabel: integer(d[6], `${field}[6]`, 0, 1) === 1,
  };
  if (typeof d[2] === 'number') dataset.classCount = integer(d[2], `${field}[2]`, 0, 100_000);
  else
    dataset.classNames = array(d[2], `${field}[2]`, 100_000).map((n, i) =>
      string(n, `${field}[2][${i}]`, 200),
    );
  return dataset;
}

function readProtocol(x: unknown, schema: number): ProtocolSettings {
  const p = array(x, 'protocol', schema === 1 ? 2 : 3);
  const protocol: ProtocolSettings = {};
  if (p[0] !== 0) protocol.linear = readLinear(array(p[0], 'protocol[0]', 6));
  if (p[1] !== 0) protocol.fewshot = readFewShot(array(p[1], 'protocol[1]', 5));
  if (schema >= 2 && p[2] !== 0) protocol.knn = readKnn(array(p[2], 'protocol[2]', 2));
  return protocol;
}

function readKnn(k: unknown[]): KnnRequest {
  return {
    k: array(k[0], 'protocol[2][0]', 16).map((v, i) => number(v, `protocol[2][0][${i}]`)),
    temperature: number(k[1], 'protocol[2][1]'),
  };
}

function readLinear(l: unknown[]): LinearSettings {
  const f = 'protocol[0]';
  const validation = readValidation(l[5], `${f}[5]`);
  return {
    mode: integer(l[0], `${f}[0]`, 0, 1) === 0 ? 'paper' : 'converged',
    log10C: array(l[1], `${f}[1]`, 1_000).map((c, i) => dequantise(number(c, `${f}[1][${i}]`))),
    maxIter: number(l[2], `${f}[2]`),
    tol: number(l[3], `${f}[3]`),
    warmStart: integer(l[4], `${f}[4]`, 0, 1) === 1,
    validation,
  };
}

function readValidation(x: unknown, field: string): LinearSettings['validation'] {
  if (x === 0) return { kind: 'split' };
  const v = array(x, field, 2);
  return { kind: 'random', fraction: number(v[0], `${field}[0]`), seed: number(v[1], `${field}[1]`) };
}

function readFewShot(s: unknown[]): FewShotSettings {
  const f = 'protocol[1]';
  return {
    ways: number(s[0], `${f}[0]`),
    shots: array(s[1], `${f}[1]`, 100).map((k, i) => number(k, `${f}[1][${i}]`)),
    queries: number(s[2], `${f}[2]`),
    episodes: number(s[3], `${f}[3]`),
    seed: number(s[4], `${f}[4]`),
  };
}

function readScores(
  x: unknown,
  models: RecordModel[],
  datasets: RecordDataset[],
  probes: string[],
  metrics: readonly MetricName[],
  extraKeys: string[],
): Score[] {
  const cols = array(x, 'scores', 7).map((col, i) => array(col, `scores[${i}]`, 3 * MAX_ITEMS));
  const n = cols[0].length;
  if (cols.length !== 7 || cols.slice(0, 6).some((col) => col.length !== n) || cols[6].length % 3 !== 0) {
    throw new RecordError('scores', 'columns of different lengths');
  }
  const index = (col: number, i: number, size: number) =>
    integer(cols[col][i], `scores[${col}][${i}]`, 0, size - 1);
  const scores = Array.from({ length: n }, (_, i): Score => {
    const score: Score = {
      model: models[index(0, i, models.length)].id,
      dataset: datasets[index(1, i, datasets.length)].name,
      probe: probes[index(2, i, probes.length)],
      metric: metrics[index(3, i, metrics.length)],
      value: dequantise(number(cols[4][i], `scores[4][${i}]`)),
    };
    const ci = number(cols[5][i], `scores[5][${i}]`);
    if (ci !== NO_CI) score.ci95 = dequantise(ci);
    return score;
  });
  // Extras are added in place, each score's capped as the validator caps it: copying the object per entry
  // made a link with many keys on one score quadratic (88 s for 99,000 characters).
  for (let t = 0; t < cols[6].length; t += 3) {
    const score = scores[index(6, t, n)];
    const key = extraKeys[index(6, t + 1, extraKeys.length)];
    score.extra ??= {};
    if (!Object.hasOwn(score.extra, key) && Object.keys(score.extra).length >= RECORD_LIMITS.extras) {
      throw new RecordError(
        `scores[6][${t + 1}]`,
        `more than ${RECORD_LIMITS.extras} extra values on one score`,
      );
    }
    score.extra[key] = dequantise(number(cols[6][t + 2], `scores[6][${t + 2}]`));
  }
  return scores;
}
