// Calibration figures: the reliability diagram of one (model, dataset) probe, and ECE before/after
// temperature scaling per model. Data: record.details.calibration, else the 'ece'/'ece-scaled' scores
// (a permalink drops details but keeps scores, so the ECE chart still works from a shared link).

import { mergeRecords } from '../../core/record/merge.ts';
import type { CalibrationDetail, ReliabilityBin, ResultRecord } from '../../core/record/types.ts';
import { colourOf, recordColours } from './model-colours.ts';
import { axis, legendBelow } from './specs-layout.ts';
import { escapePlotlyText as esc, type PlotSpec, percent } from './specs-text.ts';

function binTrace(bins: ReliabilityBin[], name: string, ece: number): Record<string, unknown> {
  const used = bins.filter((b) => b.count > 0);
  return {
    type: 'scatter',
    mode: 'lines+markers',
    name: `${name} (ECE ${percent(ece).toFixed(2)}%)`,
    x: used.map((b) => percent(b.confidence)),
    y: used.map((b) => percent(b.accuracy)),
    customdata: used.map((b) => b.count),
    hovertemplate: `${name}<br>confidence %{x:.1f}%<br>accuracy %{y:.1f}%<br>%{customdata} images<extra></extra>`,
  };
}

/** Reliability diagram: accuracy against confidence per bin, before and after temperature scaling. */
/** The diagonal every reliability diagram is read against. */
function perfectCalibration(): Record<string, unknown> {
  return {
    type: 'scatter',
    mode: 'lines',
    name: 'perfect calibration',
    x: [0, 100],
    y: [0, 100],
    line: { dash: 'dash', color: 'gray' },
    hoverinfo: 'skip',
  };
}

export function reliabilityChart(
  detail: CalibrationDetail,
  names: { model: string; dataset: string },
): PlotSpec {
  return {
    data: [
      perfectCalibration(),
      binTrace(detail.before, 'before scaling', detail.eceBefore),
      binTrace(detail.after, `after scaling (T = ${detail.temperature.toFixed(2)})`, detail.eceAfter),
    ],
    layout: {
      title: { text: `Reliability: ${esc(names.model)} on ${esc(names.dataset)}` },
      xaxis: axis('confidence (%)', { range: [0, 100] }),
      yaxis: axis('accuracy (%)', { range: [0, 100] }),
      legend: legendBelow(),
    },
  };
}

interface EcePair {
  before: number;
  after: number;
}

/** ECE before/after for one model of one record: the mean over datasets (or the one asked for). */
function ecePair(record: ResultRecord, modelId: string, dataset?: string): EcePair | null {
  const details = record.details?.calibration?.[modelId];
  const fromDetails = Object.entries(details ?? {})
    .filter(([d]) => dataset === undefined || d === dataset)
    .map(([, c]) => ({ before: c.eceBefore, after: c.eceAfter }));
  if (fromDetails.length > 0) return mean(fromDetails);
  const eceOf = (probe: string) =>
    record.scores.filter(
      (s) =>
        s.model === modelId &&
        s.probe === probe &&
        s.metric === 'ece' &&
        (dataset === undefined || s.dataset === dataset),
    );
  const before = eceOf('ece');
  const after = eceOf('ece-scaled');
  const pairs = before.flatMap((b) => {
    const a = after.find((s) => s.dataset === b.dataset);
    return a === undefined ? [] : [{ before: b.value, after: a.value }];
  });
  return pairs.length > 0 ? mean(pairs) : null;
}

function mean(pairs: EcePair[]): EcePair {
  const sum = pairs.reduce((acc, p) => ({ before: acc.before + p.before, after: acc.after + p.after }), {
    before: 0,
    after: 0,
  });
  return { before: sum.before / pairs.length, after: sum.after / pairs.length };
}

/** Grouped bars per model (per run when comparing): ECE before and after temperature scaling. */
export function eceBeforeAfterChart(
  records: ResultRecord[],
  dataset?: string,
  colours = recordColours(records),
): PlotSpec {
  const view = mergeRecords(records);
  const rows = view.rows.flatMap((row) => {
    const record = records[view.runs.findIndex((r) => r.id === row.runId)];
    const pair = ecePair(record, row.model.id, dataset);
    return pair === null ? [] : [{ label: esc(row.label), model: row.model.id, pair }];
  });
  // Each bar in its model's colour; "after" is hatched, so before/after never needs a second hue.
  const trace = (name: string, pick: (p: EcePair) => number, shape: string) => ({
    type: 'bar',
    name,
    meta: { models: rows.map((r) => r.model) },
    marker: {
      color: rows.map((r) => colourOf(colours, r.model)),
      pattern: { shape },
    },
    x: rows.map((r) => r.label),
    y: rows.map((r) => percent(pick(r.pair))),
    customdata: rows.map((r) => r.label),
    hovertemplate: `%{customdata}<br>${name}: ECE %{y:.2f}%<extra></extra>`,
  });
  const scope = dataset === undefined ? 'mean over datasets' : esc(dataset);
  return {
    data: [
      trace('before temperature scaling', (p) => p.before, ''),
      trace('after temperature scaling', (p) => p.after, '/'),
    ],
    layout: {
      title: { text: `Expected calibration error (${scope}); after scaling hatched` },
      barmode: 'group',
      xaxis: axis('model', { type: 'category' }),
      yaxis: axis('ECE (%)', { rangemode: 'tozero' }),
      legend: legendBelow(),
    },
  };
}

/** Markers grow with the square root of a bin's image count, so area tracks the count. */
function markerSizes(counts: number[], maxCount: number): number[] {
  return counts.map((c) => Math.round((6 + 14 * Math.sqrt(c / Math.max(1, maxCount))) * 10) / 10);
}

/**
 * Several models' reliability curves (before or after temperature scaling) on one diagram for one dataset.
 * Marker size and hover text show each bin's image count; empty bins are left out. `modelIds` picks
 * models by RecordModel.id (every compared run of that model); absent: every model with calibration detail.
 */
export function reliabilityOverlayChart(
  records: ResultRecord[],
  dataset: string,
  which: 'before' | 'after',
  modelIds?: readonly string[],
  colours = recordColours(records),
): PlotSpec {
  const view = mergeRecords(records);
  const curves = view.rows.flatMap((row) => {
    if (modelIds !== undefined && !modelIds.includes(row.model.id)) return [];
    const record = records[view.runs.findIndex((r) => r.id === row.runId)];
    const detail = record.details?.calibration?.[row.model.id]?.[dataset];
    return detail === undefined ? [] : [{ label: esc(row.label), model: row.model.id, detail }];
  });
  const maxCount = Math.max(1, ...curves.flatMap((c) => c.detail[which].map((b) => b.count)));
  const traces = curves.map(({ label, model, detail }) => {
    const used = detail[which].filter((b) => b.count > 0);
    const ece = which === 'before' ? detail.eceBefore : detail.eceAfter;
    const counts = used.map((b) => b.count);
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name: `${label} (ECE ${percent(ece).toFixed(2)}%)`,
      x: used.map((b) => percent(b.confidence)),
      y: used.map((b) => percent(b.accuracy)),
      meta: { model },
      line: { color: colourOf(colours, model) },
      marker: { size: markerSizes(counts, maxCount), color: colourOf(colours, model) },
      customdata: counts,
      hovertemplate: `${label}<br>confidence %{x:.1f}%<br>accuracy %{y:.1f}%<br>%{customdata} images<extra></extra>`,
    };
  });
  const stage = which === 'before' ? 'before' : 'after';
  return {
    data: [perfectCalibration(), ...traces],
    layout: {
      title: {
        text: `Reliability on ${esc(dataset)}, ${stage} temperature scaling (marker size: images per bin)`,
      },
      xaxis: axis('confidence (%)', { range: [0, 100] }),
      yaxis: axis('accuracy (%)', { range: [0, 100] }),
      legend: legendBelow(),
    },
  };
}
