// How well ImageNet accuracy predicts transfer: for chosen models, ImageNet top-1 against each dataset's
// score, correlated across models after the paper's logit transform (accuracy 0.7 → log(0.7/0.3)). One
// series per (setting, dataset) and one per setting (mean of the logits over the setting's datasets), each
// with Pearson r, Spearman ρ and a least-squares line in logit space.

import { centredMoments, logit, pearson, spearman } from '../metrics/correlation.ts';
import type { MetricName, ResultRecord, Score } from '../record/types.ts';

/** Scores are clamped to [ε, 1 − ε] before the logit so a perfect 100% (or 0%) stays finite. */
export const LOGIT_EPS = 1e-4;

/** Metrics that are fractions in [0, 1] where higher is better: the ones the paper correlates. */
const BOUNDED_METRICS: ReadonlySet<MetricName> = new Set(['top1', 'mean-per-class', 'map11']);

export function clampedLogit(p: number): number {
  return logit(Math.min(1 - LOGIT_EPS, Math.max(LOGIT_EPS, p)));
}

export function inverseLogit(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

export interface CorrelationPoint {
  model: string;
  name: string;
  /** ImageNet top-1 in % (as on model cards). */
  top1: number;
  /** The transfer score as a fraction; for a setting, the inverse logit of the mean logit. */
  score: number;
  /** logit(top1 / 100) and logit(score): the coordinates that are correlated. */
  x: number;
  y: number;
}

export interface LineFit {
  slope: number;
  intercept: number;
}

export interface CorrelationSeries {
  /** Stable id: the setting, or "setting|dataset". */
  key: string;
  kind: 'dataset' | 'setting';
  /** The probe name, e.g. 'linear', 'fewshot-5way-20shot'. */
  setting: string;
  /** The dataset of a per-dataset series; null for a setting. */
  dataset: string | null;
  /** Datasets behind the points (one for a per-dataset series). */
  datasets: string[];
  points: CorrelationPoint[];
  /** NaN with fewer than 2 points or no spread. */
  pearson: number;
  spearman: number;
  /** Least-squares y = slope·x + intercept in logit space; null with fewer than 2 distinct x. */
  fit: LineFit | null;
}

export interface CorrelationView {
  perDataset: CorrelationSeries[];
  perSetting: CorrelationSeries[];
  /** Models with scores but no ImageNet top-1 (neither typed nor on the card): left out. */
  missingTop1: string[];
  warnings: string[];
}

/** Least squares y = a + b·x; null when x has no spread. */
export function leastSquaresLine(x: ArrayLike<number>, y: ArrayLike<number>): LineFit | null {
  if (x.length < 2 || y.length !== x.length) return null;
  const { mx, my, sxx, sxy } = centredMoments(x, y);
  if (!(sxx > 0)) return null;
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/** Pearson, Spearman and the fitted line over a set of points. */
export function seriesStats(
  points: readonly { x: number; y: number }[],
): Pick<CorrelationSeries, 'pearson' | 'spearman' | 'fit'> {
  const x = points.map((p) => p.x);
  const y = points.map((p) => p.y);
  return { pearson: pearson(x, y), spearman: spearman(x, y), fit: leastSquaresLine(x, y) };
}

interface ModelInfo {
  name: string;
  top1: number | null;
}

/** score by model → (setting → dataset → value); later records override earlier ones. */
type ScoreTable = Map<string, Map<string, Map<string, number>>>;

function collect(records: ResultRecord[], top1: Record<string, number>, warnings: string[]) {
  const models = new Map<string, ModelInfo>();
  const table: ScoreTable = new Map();
  for (const record of records) {
    for (const m of record.models) {
      const typed = top1[m.id];
      models.set(m.id, {
        name: m.name,
        top1: Number.isFinite(typed) ? typed : (m.imagenetTop1 ?? models.get(m.id)?.top1 ?? null),
      });
    }
    for (const s of record.scores) addScore(table, s, warnings);
  }
  return { models, table };
}

function addScore(table: ScoreTable, s: Score, warnings: string[]): void {
  if (!BOUNDED_METRICS.has(s.metric) || !Number.isFinite(s.value)) return;
  const bySetting = table.get(s.model) ?? new Map<string, Map<string, number>>();
  table.set(s.model, bySetting);
  const byDataset = bySetting.get(s.probe) ?? new Map<string, number>();
  bySetting.set(s.probe, byDataset);
  const previous = byDataset.get(s.dataset);
  if (previous !== undefined && previous !== s.value) {
    warnings.push(`${s.model} on ${s.dataset} (${s.probe}) appears in several runs; the last one is used`);
  }
  byDataset.set(s.dataset, s.value);
}

function makeSeries(
  base: Pick<CorrelationSeries, 'key' | 'kind' | 'setting' | 'dataset' | 'datasets'>,
  points: CorrelationPoint[],
): CorrelationSeries {
  return { ...base, points, ...seriesStats(points) };
}

function point(model: string, info: ModelInfo, y: number): CorrelationPoint {
  const top1 = info.top1 as number;
  return { model, name: info.name, top1, score: inverseLogit(y), x: clampedLogit(top1 / 100), y };
}

/** Settings (probe names) and their datasets, in first-appearance order. */
function settingsOf(table: ScoreTable, eligible: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const model of eligible) {
    for (const [setting, byDataset] of table.get(model) ?? []) {
      const list = out.get(setting) ?? [];
      for (const d of byDataset.keys()) if (!list.includes(d)) list.push(d);
      out.set(setting, list);
    }
  }
  return out;
}

function perDatasetSeries(
  table: ScoreTable,
  models: Map<string, ModelInfo>,
  eligible: string[],
  settings: Map<string, string[]>,
) {
  return [...settings].flatMap(([setting, datasets]) =>
    datasets.map((dataset) => {
      const points = eligible.flatMap((m) => {
        const v = table.get(m)?.get(setting)?.get(dataset);
        return v === undefined ? [] : [point(m, models.get(m)!, clampedLogit(v))];
      });
      return makeSeries(
        { key: `${setting}|${dataset}`, kind: 'dataset', setting, dataset, datasets: [dataset] },
        points,
      );
    }),
  );
}

/** Per setting: the mean logit over the datasets every participating model has (an honest average). */
function perSettingSeries(
  table: ScoreTable,
  models: Map<string, ModelInfo>,
  eligible: string[],
  settings: Map<string, string[]>,
  warnings: string[],
) {
  return [...settings].flatMap(([setting, all]) => {
    const participants = eligible.filter((m) => table.get(m)?.has(setting));
    const common = all.filter((d) => participants.every((m) => table.get(m)!.get(setting)!.has(d)));
    const dropped = all.filter((d) => !common.includes(d));
    if (dropped.length > 0) {
      warnings.push(
        `${setting}: ${dropped.join(', ')} left out of the setting's mean (not every model has it)`,
      );
    }
    if (common.length === 0) return [];
    const points = participants.map((m) => {
      const byDataset = table.get(m)!.get(setting)!;
      const meanLogit = common.reduce((acc, d) => acc + clampedLogit(byDataset.get(d)!), 0) / common.length;
      return point(m, models.get(m)!, meanLogit);
    });
    return [makeSeries({ key: setting, kind: 'setting', setting, dataset: null, datasets: common }, points)];
  });
}

/**
 * The correlation view of one or more records. `top1` (model id → %, e.g. typed by the user) overrides the
 * cards' ImageNet top-1; models with neither are listed in `missingTop1` and left out.
 */
export function correlationView(records: ResultRecord[], top1: Record<string, number> = {}): CorrelationView {
  const warnings: string[] = [];
  const { models, table } = collect(records, top1, warnings);
  const scored = [...table.keys()];
  const eligible = scored.filter((m) => models.get(m)?.top1 != null);
  const missingTop1 = scored.filter((m) => !eligible.includes(m));
  const settings = settingsOf(table, eligible);
  return {
    perDataset: perDatasetSeries(table, models, eligible, settings),
    perSetting: perSettingSeries(table, models, eligible, settings, warnings),
    missingTop1,
    warnings: [...new Set(warnings)],
  };
}
