// The paper's 14 models as a correlation series, to overlay on the lab's own: their ImageNet top-1 (as their
// authors reported it) against the paper's transfer scores, with the same logit transform and statistics.

import { type PaperDatasetKey, paperDatasetKey } from '../paper/datasets.ts';
import {
  PAPER_SETTINGS,
  type PaperSetting,
  paperModels,
  paperScore,
  paperScoresFor,
} from '../paper/paper.ts';
import {
  type CorrelationPoint,
  type CorrelationSeries,
  clampedLogit,
  inverseLogit,
  seriesStats,
} from './view.ts';

/** Paper settings whose scores are accuracies/mAP (correlatable); ECE and log10 C are not. */
const ACCURACY_SETTINGS: ReadonlySet<string> = new Set<PaperSetting>([
  'linear',
  'finetune',
  'fewshot-5way-5shot',
  'fewshot-5way-20shot',
  'fewshot-5way-50shot',
]);

export function isPaperAccuracySetting(setting: string): setting is PaperSetting {
  return (PAPER_SETTINGS as readonly string[]).includes(setting) && ACCURACY_SETTINGS.has(setting);
}

/** The paper's datasets for a setting (its own averages excluded), in table order. */
export function paperDatasetsFor(setting: PaperSetting): PaperDatasetKey[] {
  const keys = paperScoresFor(setting).map((s) => s.dataset);
  return [...new Set(keys)].filter((d) => d !== 'avg');
}

/**
 * The paper's series for `setting` over `datasets` (any spelling the paper module maps, e.g. 'CIFAR-10';
 * names it does not know are ignored); all of the paper's datasets for the setting when none map.
 * Null when the paper has no accuracy numbers for the setting. A model is a point only when the paper
 * reports it on every one of the datasets used.
 */
export function paperCorrelationSeries(
  setting: string,
  datasets: readonly string[] = [],
): CorrelationSeries | null {
  if (!isPaperAccuracySetting(setting)) return null;
  const available = paperDatasetsFor(setting);
  const mapped = [...new Set(datasets.map(paperDatasetKey))].filter(
    (d): d is PaperDatasetKey => d !== null && available.includes(d),
  );
  const used = mapped.length > 0 ? mapped : available;
  if (used.length === 0) return null;
  const points = paperModels().flatMap((m): CorrelationPoint[] => {
    const scores = used.map((d) => paperScore(m.key, d, setting)?.value);
    if (scores.some((v) => v === undefined || !Number.isFinite(v))) return [];
    const y = (scores as number[]).reduce((acc, v) => acc + clampedLogit(v / 100), 0) / used.length;
    return [
      {
        model: m.key,
        name: m.name,
        top1: m.imagenetTop1,
        score: inverseLogit(y),
        x: clampedLogit(m.imagenetTop1 / 100),
        y,
      },
    ];
  });
  const single = used.length === 1;
  return {
    key: `paper|${setting}|${used.join(',')}`,
    kind: single ? 'dataset' : 'setting',
    setting,
    dataset: single ? used[0] : null,
    datasets: used,
    points,
    ...seriesStats(points),
  };
}
