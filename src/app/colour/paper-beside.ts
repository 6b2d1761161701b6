// The paper's number beside ours: for every score of a paper model (converted checkpoints keep the catalog id,
// which is the paper's model key) on a dataset and setting the paper reports. Pure, for the views and tests.

import { INVERSION_PROBE } from '../../core/colour/scores.ts';
import { paperModelMetric, paperScore } from '../../core/paper/paper.ts';
import type { ResultRecord } from '../../core/record/types.ts';

export interface PaperBesideRow {
  model: string;
  modelName: string;
  dataset: string;
  probe: string;
  /** Both on the paper's scale: % for accuracies and ECE, 0–255 MSE for inversion. */
  ours: number;
  paper: number;
  paperCi95?: number;
  unit: '%' | 'MSE';
  /** What the paper's number is an average over, when it is not this dataset alone. */
  note?: string;
}

const PERCENT_METRICS = new Set(['top1', 'mean-per-class', 'map11', 'ece']);

/** The paper's mean reconstruction MSE over the three channels (its figure averages its own image set). */
function paperInversionMse(model: string): number | null {
  const channels = ['Red MSE', 'Green MSE', 'Blue MSE'].map((c) =>
    paperModelMetric(model, 'calibration_reconstruction_attention', c),
  );
  if (channels.some((v) => v === null || !Number.isFinite(v))) return null;
  return (channels as number[]).reduce((a, b) => a + b, 0) / 3;
}

export function paperBesideRows(records: readonly ResultRecord[]): PaperBesideRow[] {
  const rows: PaperBesideRow[] = [];
  const seen = new Set<string>();
  for (const record of records) {
    const names = new Map(record.models.map((m) => [m.id, m.name]));
    for (const s of record.scores) {
      const key = JSON.stringify([s.model, s.dataset, s.probe, s.metric]);
      if (seen.has(key)) continue;
      const base = {
        model: s.model,
        modelName: names.get(s.model) ?? s.model,
        dataset: s.dataset,
        probe: s.probe,
      };
      if (s.probe === INVERSION_PROBE) {
        const paper = paperInversionMse(s.model.toLowerCase());
        if (paper === null) continue;
        rows.push({
          ...base,
          ours: s.value,
          paper,
          unit: 'MSE',
          note: "the paper's images, not this dataset",
        });
      } else if (PERCENT_METRICS.has(s.metric)) {
        const paper = paperScore(s.model, s.dataset, s.probe);
        if (paper === null || paper.unit !== '%' || !Number.isFinite(paper.value)) continue;
        rows.push({ ...base, ours: 100 * s.value, paper: paper.value, paperCi95: paper.ci95, unit: '%' });
      } else continue;
      seen.add(key);
    }
  }
  return rows;
}
