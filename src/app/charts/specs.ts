// Pure Plotly spec functions: ResultRecords in, plain JSON figures out (no Plotly import, no React).
// User strings reach Plotly only escaped, and only as customdata referenced from a fixed hovertemplate.

import { parseFewShotScoreName } from '../../core/probes/descriptors/fewshot.ts';
import { mergeRecords, type RunModel } from '../../core/record/merge.ts';
import { isPercentMetric, metricLabel } from '../../core/record/table.ts';
import type { ResultRecord, Score } from '../../core/record/types.ts';
import { escapePlotlyText as esc, type PlotSpec, percent } from './specs-text.ts';

export { eceBeforeAfterChart, reliabilityChart } from './specs-calibration.ts';
export { knnCurveChart } from './specs-knn.ts';
export { escapePlotlyText, type PlotSpec } from './specs-text.ts';

const ACCURACY_METRICS: readonly Score['metric'][] = ['top1', 'mean-per-class', 'map11'];

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

/** Grouped bars: datasets on x, one bar per (model [run], probe), 95% intervals as error bars. */
export function transferScoreChart(records: ResultRecord[]): PlotSpec {
  const view = mergeRecords(records);
  const datasets = [...new Set(view.columns.map((c) => c.dataset))];
  const probes = [...new Set(view.columns.map((c) => c.probe))];
  const data: Record<string, unknown>[] = [];
  for (const { row, scores } of scoresByRow(records)) {
    for (const probe of probes) {
      const points = datasets
        .map((d) =>
          scores.find((s) => s.dataset === d && s.probe === probe && ACCURACY_METRICS.includes(s.metric)),
        )
        .filter((s): s is Score => s !== undefined);
      if (points.length === 0) continue;
      const trace: Record<string, unknown> = {
        type: 'bar',
        name: `${esc(row.label)} · ${esc(probe)}`,
        legendgroup: row.key,
        x: points.map((s) => esc(s.dataset)),
        y: points.map((s) => percent(s.value)),
        customdata: points.map((s) => [
          esc(row.label),
          esc(s.dataset),
          esc(probe),
          metricLabel(s.metric),
          ciText(s),
        ]),
        hovertemplate:
          '%{customdata[0]}<br>%{customdata[1]} · %{customdata[2]}<br>%{customdata[3]}: %{y:.2f}%{customdata[4]}<extra></extra>',
      };
      const bars = errorBars(points.map((s) => s.ci95));
      if (bars !== undefined) trace.error_y = bars;
      data.push(trace);
    }
  }
  return {
    data,
    layout: {
      title: { text: 'Transfer performance by dataset' },
      barmode: 'group',
      xaxis: {
        title: { text: 'dataset' },
        type: 'category',
        categoryorder: 'array',
        categoryarray: datasets.map(esc),
      },
      yaxis: { title: { text: 'score (%)' }, rangemode: 'tozero' },
      legend: { orientation: 'h' },
    },
  };
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
export function fewShotVsKChart(records: ResultRecord[]): PlotSpec {
  const data: Record<string, unknown>[] = [];
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
      const trace: Record<string, unknown> = {
        type: 'scatter',
        mode: 'lines+markers',
        name: `${esc(row.label)} · ${esc(dataset)} (${ways}-way)`,
        legendgroup: row.key,
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
      xaxis: {
        title: { text: 'shots per class (k)' },
        type: 'log',
        tickvals: ticks,
        ticktext: ticks.map(String),
      },
      yaxis: { title: { text: 'accuracy (%)' } },
      legend: { orientation: 'h' },
    },
  };
}
