// Pure Plotly spec functions: ResultRecords in, plain JSON figures out (no Plotly import, no React).
// User strings reach Plotly only escaped, and only as customdata referenced from a fixed hovertemplate.

import { parseFewShotScoreName } from '../../core/probes/descriptors/fewshot.ts';
import { mergeRecords, type RunModel } from '../../core/record/merge.ts';
import { isPercentMetric, metricLabel, probeName, resultTable } from '../../core/record/table.ts';
import type { ResultRecord, Score } from '../../core/record/types.ts';
import { recordColours } from './model-colours.ts';
import { axis, legendBelow, modelStyle, runPattern } from './specs-layout.ts';
import { escapePlotlyText as esc, type PlotSpec, percent } from './specs-text.ts';

export { eceBeforeAfterChart, reliabilityChart } from './specs-calibration.ts';
export { knnCurveChart } from './specs-knn.ts';
export { escapePlotlyText, type PlotSpec } from './specs-text.ts';

const ACCURACY_METRICS: readonly Score['metric'][] = ['top1', 'mean-per-class', 'map11'];
const LINE_DASHES = ['solid', 'dash', 'dot', 'dashdot', 'longdash'];

/** Scores of each comparison row, in input order. */
function scoresByRow(records: ResultRecord[]): { row: RunModel; scores: Score[] }[] {
  const view = mergeRecords(records);
  return view.rows.map((row) => ({
    row,
    scores: view.cells.filter((c) => c.rowKey === row.key).map((c) => c.score),
  }));
}

function errorBars(cis: (number | undefined)[]): Record<string, unknown> | undefined {
  if (cis.every((c) => c === undefined)) return undefined;
  return { type: 'data', array: cis.map((c) => (c === undefined ? null : percent(c))), visible: true };
}

const ciText = (s: Score) => (s.ci95 === undefined ? '' : ` ± ${percent(s.ci95).toFixed(2)}`);

/** The x position of a score: its probe, under its dataset when several datasets are shown. */
function groupAxis(datasets: string[], probes: string[]) {
  const several = datasets.length > 1;
  const probeLabel = (p: string) => esc(probeName(p));
  return {
    x: (points: Score[]) =>
      several
        ? [points.map((s) => esc(s.dataset)), points.map((s) => probeLabel(s.probe))]
        : points.map((s) => probeLabel(s.probe)),
    layout: several
      ? axis('dataset · probe', { type: 'multicategory' })
      : axis(`probe (${esc(datasets[0] ?? '')})`, {
          type: 'category',
          categoryorder: 'array',
          categoryarray: probes.map(probeLabel),
        }),
  };
}

/**
 * Grouped bars: one group per (dataset, probe), the models side by side in it, each model in its own colour
 * (the table's swatch), 95% intervals as error bars. Runs of the same model share its colour, hatched.
 */
export function transferScoreChart(records: ResultRecord[], colours = recordColours(records)): PlotSpec {
  const view = mergeRecords(records);
  const datasets = [...new Set(view.columns.map((c) => c.dataset))];
  // Only probes scored as accuracies share this axis (ECE, NLL, R², MSE have charts of their own).
  const probes = [
    ...new Set(view.columns.filter((c) => ACCURACY_METRICS.includes(c.metric)).map((c) => c.probe)),
  ];
  const order = new Map(
    datasets.flatMap((d, i) => probes.map((p, j) => [JSON.stringify([d, p]), i * probes.length + j])),
  );
  const at = (s: Score) => order.get(JSON.stringify([s.dataset, s.probe]))!;
  const x = groupAxis(datasets, probes);
  const significant = significantCells(records);
  const data: Record<string, unknown>[] = [];
  for (const { row, scores } of scoresByRow(records)) {
    const points = scores.filter((s) => ACCURACY_METRICS.includes(s.metric)).sort((a, b) => at(a) - at(b));
    if (points.length === 0) continue;
    const { color, meta } = modelStyle(colours, row.model.id);
    const runIndex = view.runs.findIndex((r) => r.id === row.runId);
    const trace: Record<string, unknown> = {
      type: 'bar',
      name: esc(row.label),
      legendgroup: row.key,
      meta,
      marker: { color, pattern: { shape: runPattern(runIndex) } },
      x: x.x(points),
      y: points.map((s) => percent(s.value)),
      // The table's significance mark, on the bar it belongs to (a * above it).
      text: points.map((s) => (significant.has(cellKey(row.key, s)) ? '*' : '')),
      textposition: 'outside',
      cliponaxis: false,
      customdata: points.map((s) => [
        esc(row.label),
        esc(s.dataset),
        esc(probeName(s.probe)),
        metricLabel(s.metric),
        ciText(s),
      ]),
      hovertemplate:
        '%{customdata[0]}<br>%{customdata[1]} · %{customdata[2]}<br>%{customdata[3]}: %{y:.2f}%{customdata[4]}<extra></extra>',
    };
    const bars = errorBars(points.map((s) => s.ci95));
    if (bars !== undefined) trace.error_y = { ...bars, color: '#333' };
    data.push(trace);
  }
  return {
    data,
    layout: {
      title: {
        text: 'Transfer score per probe and dataset (95% intervals; * significantly better than the runner-up)',
      },
      barmode: 'group',
      xaxis: x.layout,
      yaxis: axis('score (%)', { rangemode: 'tozero' }),
      legend: legendBelow(),
    },
  };
}

const cellKey = (rowKey: string, s: Pick<Score, 'dataset' | 'probe' | 'metric'>) =>
  JSON.stringify([rowKey, s.dataset, s.probe, s.metric]);

/** The (row, column) cells the results table marks as significantly best (paired test, Holm p < 0.05). */
function significantCells(records: ResultRecord[]): Set<string> {
  const table = resultTable(records);
  const out = new Set<string>();
  for (const row of table.rows)
    row.cells.forEach((cell, i) => {
      if (cell?.significantlyBest) out.add(cellKey(row.key, table.columns[i]));
    });
  return out;
}

interface FewShotPoint {
  ways: number;
  shots: number;
  score: Score;
}

function fewShotPoints(scores: Score[]): FewShotPoint[] {
  return scores.flatMap((score) => {
    const setting = parseFewShotScoreName(score.probe);
    return setting === null || !isPercentMetric(score.metric) ? [] : [{ ...setting, score }];
  });
}

/** Accuracy against shots per class k: one line per (model [run], dataset, ways), with 95% intervals. */
export function fewShotVsKChart(records: ResultRecord[], colours = recordColours(records)): PlotSpec {
  const data: Record<string, unknown>[] = [];
  const datasetNames = [...new Set(records.flatMap((r) => r.datasets.map((d) => d.name)))];
  const allShots = new Set<number>();
  for (const { row, scores } of scoresByRow(records)) {
    const points = fewShotPoints(scores);
    const series = [...new Set(points.map((p) => JSON.stringify([p.score.dataset, p.ways])))];
    for (const key of series) {
      const [dataset, ways] = JSON.parse(key) as [string, number];
      const line = points
        .filter((p) => p.score.dataset === dataset && p.ways === ways)
        .sort((a, b) => a.shots - b.shots);
      for (const p of line) allShots.add(p.shots);
      const { color, meta } = modelStyle(colours, row.model.id);
      // Colour says the model; the dash says the dataset, so neither needs a second legend.
      const dash = LINE_DASHES[Math.max(0, datasetNames.indexOf(dataset)) % LINE_DASHES.length];
      const trace: Record<string, unknown> = {
        type: 'scatter',
        mode: 'lines+markers',
        name: `${esc(row.label)} · ${esc(dataset)} (${ways}-way)`,
        legendgroup: row.key,
        meta,
        line: { color, dash },
        marker: { color },
        x: line.map((p) => p.shots),
        y: line.map((p) => percent(p.score.value)),
        customdata: line.map((p) => [esc(row.label), esc(dataset), ways, ciText(p.score)]),
        hovertemplate:
          '%{customdata[0]}<br>%{customdata[1]}, %{customdata[2]}-way %{x}-shot<br>accuracy: %{y:.2f}%{customdata[3]}<extra></extra>',
      };
      const bars = errorBars(line.map((p) => p.score.ci95));
      if (bars !== undefined) trace.error_y = bars;
      data.push(trace);
    }
  }
  const ticks = [...allShots].sort((a, b) => a - b);
  return {
    data,
    layout: {
      title: { text: 'Few-shot accuracy against shots per class' },
      xaxis: axis('shots per class (k)', { type: 'log', tickvals: ticks, ticktext: ticks.map(String) }),
      yaxis: axis('accuracy (%)'),
      legend: legendBelow(),
    },
  };
}
