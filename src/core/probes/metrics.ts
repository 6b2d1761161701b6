// The metrics a probe can report. APPEND-ONLY: permalinks of wire format r1 refer to a metric by its position
// in this table (V1_METRIC_ORDER keeps that order frozen); r2 links name metrics, so a metric may be added
// anywhere without relabelling old links, but never renamed or removed.

export type MetricName = 'top1' | 'mean-per-class' | 'map11' | 'ece' | 'nll' | 'r2' | 'mse' | 'diffusion';

export interface MetricDescriptor {
  name: MetricName;
  /** Column label, e.g. 'top-1 %'. */
  label: string;
  /** Values a valid record may hold (fractions for % metrics). */
  range: readonly [number, number];
  /** 'descriptive': a property of the model, not a quality (attentive diffusion): no best is marked. */
  direction: 'higher-is-better' | 'lower-is-better' | 'descriptive';
  /** A fraction in [0, 1] shown as %. */
  percent: boolean;
}

export const METRIC_TABLE: readonly MetricDescriptor[] = [
  { name: 'top1', label: 'top-1 %', range: [0, 1], direction: 'higher-is-better', percent: true },
  {
    name: 'mean-per-class',
    label: 'mean per-class %',
    range: [0, 1],
    direction: 'higher-is-better',
    percent: true,
  },
  { name: 'map11', label: 'mAP %', range: [0, 1], direction: 'higher-is-better', percent: true },
  { name: 'ece', label: 'ECE %', range: [0, 1], direction: 'lower-is-better', percent: true },
  { name: 'nll', label: 'NLL', range: [0, 1e6], direction: 'lower-is-better', percent: false },
  { name: 'r2', label: 'R²', range: [-1e6, 1], direction: 'higher-is-better', percent: false },
  { name: 'mse', label: 'MSE (0–255)', range: [0, 255 * 255], direction: 'lower-is-better', percent: false },
  {
    name: 'diffusion',
    label: '% of map above its mean',
    range: [0, 1],
    direction: 'descriptive',
    percent: true,
  },
];

/** Every metric name, in table order. */
export const METRIC_NAMES: readonly MetricName[] = METRIC_TABLE.map((m) => m.name);

/** The r1 permalink wire encoding: a score's metric was its index in this list. Frozen forever. */
export const V1_METRIC_ORDER: readonly MetricName[] = [
  'top1',
  'mean-per-class',
  'map11',
  'ece',
  'nll',
  'r2',
  'mse',
];

const BY_NAME = new Map(METRIC_TABLE.map((m) => [m.name, m]));

export function metricInfo(name: MetricName): MetricDescriptor {
  const found = BY_NAME.get(name);
  if (!found) throw new Error(`unknown metric '${name}'`);
  return found;
}
