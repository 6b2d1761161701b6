// The ResultRecord: one versioned, serialisable record of a run. Everything downstream of it
// (tables, charts, permalinks, CSV, CLI output) is a pure function of it.

import type { MetricName } from '../probes/metrics.ts';
import type { KnnRequest } from '../probes/settings.ts';
import type { BackendName } from '../types.ts';

export type { MetricName } from '../probes/metrics.ts';

/** 2: `notComputed`, the kNN protocol; permalinks name metrics (wire format r2). Schema 1 records still read. */
export const RESULT_SCHEMA_VERSION = 2;

export interface RecordModel {
  id: string;
  name: string;
  family: string;
  architecture: string;
  weightsHash: string;
  featureSize: number;
  imagenetTop1: number | null;
}

export interface RecordDataset {
  name: string;
  fingerprint: string;
  classNames: string[];
  counts: { train: number; val: number; test: number };
  multiLabel: boolean;
  /**
   * Number of classes when `classNames` was dropped (permalinks drop long name lists to stay short);
   * absent when `classNames` is complete.
   */
  classCount?: number;
  /** Files the run could not use, by name, with the reason (listing and decoding); absent when none. */
  skipped?: SkippedFile[];
  /** How many files were skipped (`skipped` names at most the first 1,000). */
  skippedCount?: number;
}

export interface SkippedFile {
  file: string;
  reason: string;
}

/** Linear-probe protocol settings. */
export interface LinearSettings {
  mode: 'paper' | 'converged';
  /** log10 of the C values of the sweep, in sweep order. */
  log10C: number[];
  maxIter: number;
  tol: number;
  warmStart: boolean;
  /** Where validation came from: the dataset's own val split, or a seeded random fraction of train. */
  validation: { kind: 'split' } | { kind: 'random'; fraction: number; seed: number };
}

export interface FewShotSettings {
  ways: number;
  shots: number[];
  queries: number;
  episodes: number;
  seed: number;
}

export interface ProtocolSettings {
  linear?: LinearSettings;
  fewshot?: FewShotSettings;
  knn?: KnnRequest;
}

/**
 * One number of the results: a (model, dataset, probe) cell. `probe` names the setting, e.g.
 * 'linear', 'fewshot-5way-5shot', 'fewshot-5way-20shot', 'ece', 'ece-scaled'.
 * Values are fractions in [0, 1] for accuracies (the UI shows %), raw for others.
 */
export interface Score {
  model: string; // RecordModel.id
  dataset: string; // RecordDataset.name
  probe: string;
  metric: MetricName;
  value: number;
  /** Half-width of the 95% confidence interval, same unit as value, when one exists. */
  ci95?: number;
  /** Small per-score detail the views need (e.g. chosen log10 C); never per-image data. */
  extra?: Record<string, number>;
}

export interface ResultRecord {
  schema: number;
  labVersion: string;
  createdAt: string; // ISO 8601
  backend: BackendName | string;
  seed: number;
  models: RecordModel[];
  datasets: RecordDataset[];
  protocol: ProtocolSettings;
  scores: Score[];
  /** Paired significance tests between the models of this run (src/core/stats); absent in older records. */
  comparisons?: Comparison[];
  /** Optional per-view detail (e.g. reliability-diagram bins) that permalinks may drop. */
  details?: RecordDetails;
  /** Results that could not be computed, with the reason (shown instead of a number). */
  notComputed?: NotComputed[];
}

/** A (model, dataset, probe) cell with no number, and why (one class, no test images, NaN features...). */
export interface NotComputed {
  model: string;
  dataset: string;
  /** The score name that would have been reported ('linear', 'fewshot-5way-20shot', 'knn', ...). */
  probe: string;
  reason: string;
}

export type ComparisonTest = 'mcnemar-exact' | 'paired-bootstrap' | 'paired-t';

/**
 * A paired test between two models on the same test images (or few-shot episodes) of one dataset and
 * probe. `difference` is metric(models[0]) − metric(models[1]); p-values are two-sided; `pHolm` is
 * Holm-corrected across every pair of the same (dataset, probe, metric).
 */
export interface Comparison {
  dataset: string;
  probe: string;
  metric: MetricName;
  models: [string, string];
  test: ComparisonTest;
  /** Paired test images (McNemar, bootstrap) or episodes (paired t). */
  n: number;
  difference: number;
  /**
   * McNemar: min(only-A-right, only-B-right), as statsmodels reports it; bootstrap: the observed difference;
   * paired t: t. null where t is infinite (every episode differs by the same non-zero amount).
   */
  statistic: number | null;
  pValue: number;
  pHolm: number;
}

/** One bin of a reliability diagram: mean top-label confidence and accuracy of the test images in it. */
export interface ReliabilityBin {
  confidence: number;
  accuracy: number;
  count: number;
}

/** Calibration of one (model, dataset) linear probe, before and after temperature scaling. */
export interface CalibrationDetail {
  before: ReliabilityBin[];
  after: ReliabilityBin[];
  /** Expected calibration errors as fractions in [0, 1]. */
  eceBefore: number;
  eceAfter: number;
  temperature: number;
}

/** details.calibration[modelId][datasetName]. */
export type CalibrationDetails = Record<string, Record<string, CalibrationDetail>>;

/** Known detail kinds are typed; anything else stays open (the intersection keeps old code compiling). */
export type RecordDetails = Record<string, unknown> & {
  calibration?: CalibrationDetails;
  colourInversion?: ColourInversionDetails;
  /** details.confusion[modelId][datasetName][trueClass][predictedClass]: linear-probe test counts. */
  confusion?: ConfusionDetails;
  /** details.diffusion[modelId][datasetName]: attentive diffusion's setting and per-image values. */
  diffusion?: Record<string, Record<string, DiffusionDetail>>;
};

/** What a record keeps of one attentive-diffusion run (the maps stay with the diffusion view). */
export interface DiffusionDetail {
  stride: number;
  occluder: number;
  fill: 'normalised-zero' | 'black';
  /** The model's input side (the map's side), and the side images were cropped to before occluding. */
  crop: number;
  side: number;
  isPaperSetting: boolean;
  /** Each sampled image's % of map values above the map's mean (0–100). */
  perImage: { key: string; diffusion: number }[];
}

/** Test-set confusion matrices of the linear probe: rows = true class, columns = predicted class. */
export type ConfusionDetails = Record<string, Record<string, number[][]>>;

/** One feature inversion (Deep Image Prior through layer4) of one image of a dataset. */
export interface ColourInversionDetail {
  imageKey: string;
  steps: number;
  learningRate: number;
  /** Per-channel MSE between reconstruction and original, 0–255 scale. */
  mse: { r: number; g: number; b: number };
  /** Relative feature loss at the reported steps (step 0 first). */
  losses: { step: number; loss: number }[];
}

/** details.colourInversion[modelId][datasetName]. */
export type ColourInversionDetails = Record<string, Record<string, ColourInversionDetail>>;
