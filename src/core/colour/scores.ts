// Colour probes as ResultRecord scores (so tables, CSV, permalinks and charts carry them like any other
// probe), and back into chart rows. One score per (model, dataset) and probe; the detail sits in `extra`.

import { log10, pow10 } from '../math/fdlibm.ts';
import type { ResultRecord, Score } from '../record/types.ts';
import type { ColourReadoutResult } from './readout.ts';
import type { ColourRelianceResult } from './reliance.ts';

export const COLOUR_READOUT_PROBE = 'colour-readout';
/** The linear probe (trained on colour images) scored on greyscale test images. */
export const GREYSCALE_PROBE = 'linear-greyscale';
/** Feature inversion (metric 'mse': mean of the three channels' MSE, 0–255 scale). */
export const INVERSION_PROBE = 'inversion-mse';

export function colourReadoutScore(model: string, dataset: string, r: ColourReadoutResult): Score {
  return {
    model,
    dataset,
    probe: COLOUR_READOUT_PROBE,
    metric: 'r2',
    value: r.r2Mean,
    extra: {
      r2R: r.r2PerChannel.r,
      r2G: r.r2PerChannel.g,
      r2B: r.r2PerChannel.b,
      r2Hist: r.r2Hist,
      rmseR: r.rmse.r,
      rmseG: r.rmse.g,
      rmseB: r.rmse.b,
      log10LambdaMean: log10(r.lambda.meanRgb),
      log10LambdaHist: log10(r.lambda.hist),
    },
  };
}

export function colourRelianceScore(
  model: string,
  dataset: string,
  r: ColourRelianceResult,
  metric: 'top1' | 'mean-per-class' = 'top1',
): Score {
  return {
    model,
    dataset,
    probe: GREYSCALE_PROBE,
    metric,
    value: r.accuracyGrey,
    extra: { accuracyColour: r.accuracyColour, drop: r.drop, meanCosine: r.meanCosine },
  };
}

/** Chart rows from a record's colour-readout scores (validation curve not kept in records: empty). */
export function readoutRowsFromRecord(
  record: ResultRecord,
): { label: string; result: ColourReadoutResult }[] {
  const names = new Map(record.models.map((m) => [m.id, m.name]));
  return record.scores.flatMap((s) => {
    const e = s.extra;
    if (s.probe !== COLOUR_READOUT_PROBE || e === undefined) return [];
    const result: ColourReadoutResult = {
      r2Mean: s.value,
      r2PerChannel: { r: e.r2R, g: e.r2G, b: e.r2B },
      r2Hist: e.r2Hist,
      rmse: { r: e.rmseR, g: e.rmseG, b: e.rmseB },
      lambda: { meanRgb: pow10(e.log10LambdaMean), hist: pow10(e.log10LambdaHist) },
      validation: { log10Relative: [], r2Mean: [], r2Hist: [] },
    };
    return [{ label: `${names.get(s.model) ?? s.model} · ${s.dataset}`, result }];
  });
}

export function relianceRowsFromRecord(
  record: ResultRecord,
): { label: string; result: ColourRelianceResult }[] {
  const names = new Map(record.models.map((m) => [m.id, m.name]));
  return record.scores.flatMap((s) => {
    const e = s.extra;
    if (s.probe !== GREYSCALE_PROBE || e === undefined) return [];
    const result: ColourRelianceResult = {
      accuracyColour: e.accuracyColour,
      accuracyGrey: s.value,
      drop: e.drop,
      meanCosine: e.meanCosine,
    };
    return [{ label: `${names.get(s.model) ?? s.model} · ${s.dataset}`, result }];
  });
}
