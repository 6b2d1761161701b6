// ImageNet accuracy vs transfer: one point per model, logit axes labelled in %, a least-squares line per
// series, Pearson r and Spearman ρ in the legend, and optionally the paper's 14 models for comparison.

import { paperCorrelationSeries } from '../../core/correlation/paper.ts';
import { type CorrelationSeries, type CorrelationView, clampedLogit } from '../../core/correlation/view.ts';
import { probeName } from '../../core/record/table.ts';
import { colourOf, type ModelColours } from './model-colours.ts';
import { legendBelow } from './specs-layout.ts';
import { escapePlotlyText as esc, type PlotSpec } from './specs-text.ts';

export interface CorrelationChartOptions {
  /** Add the paper's 14 ResNet-50s for each plotted series (same setting and datasets). */
  overlayPaper?: boolean;
  /** Which series to plot: the per-setting ones (default) or the per-dataset ones. */
  kind?: 'setting' | 'dataset';
  /** Only these series keys (CorrelationSeries.key); all of the kind when absent. */
  keys?: string[];
  /** Each lab point in its model's colour (the table's swatch); series then differ by marker symbol. */
  colours?: ModelColours;
}

const SYMBOLS = ['circle', 'square', 'diamond', 'triangle-up', 'cross', 'x', 'star', 'hexagon'];

const TICK_PERCENTS = [1, 2, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 98, 99, 99.5, 99.9];

const fixed2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

function seriesTitle(s: CorrelationSeries): string {
  const n = s.datasets.length;
  const scope =
    s.dataset === null
      ? `${probeName(s.setting)} (mean of ${n} dataset${n === 1 ? '' : 's'})`
      : `${probeName(s.setting)} · ${s.dataset}`;
  return esc(scope);
}

function legendName(prefix: string, s: CorrelationSeries): string {
  return `${prefix}: r = ${fixed2(s.pearson)}, ρ = ${fixed2(s.spearman)} (${s.points.length} models)`;
}

function pointsTrace(
  s: CorrelationSeries,
  name: string,
  group: string,
  style: { paper: boolean; symbol: string; colours: ModelColours },
): Record<string, unknown> {
  const { paper } = style;
  const lab = paper
    ? {}
    : {
        meta: { models: s.points.map((p) => p.model) },
        marker: {
          symbol: style.symbol,
          size: 11,
          color: s.points.map((p) => colourOf(style.colours, p.model)),
          line: { width: 1, color: '#fff' },
        },
      };
  return {
    type: 'scatter',
    mode: 'markers',
    name,
    legendgroup: esc(group),
    x: s.points.map((p) => p.x),
    y: s.points.map((p) => p.y),
    marker: { symbol: 'circle-open', size: 9, color: 'gray' },
    ...lab,
    customdata: s.points.map((p) => [esc(p.name), p.top1.toFixed(1), (p.score * 100).toFixed(2)]),
    hovertemplate: `%{customdata[0]}<br>ImageNet top-1 %{customdata[1]}%<br>score %{customdata[2]}%<extra>${paper ? 'paper' : 'lab'}</extra>`,
  };
}

function lineTrace(s: CorrelationSeries, group: string, paper: boolean): Record<string, unknown> | null {
  if (s.fit === null) return null;
  const xs = s.points.map((p) => p.x);
  const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
  return {
    type: 'scatter',
    mode: 'lines',
    legendgroup: esc(group),
    showlegend: false,
    x: [lo, hi],
    y: [lo, hi].map((x) => s.fit!.slope * x + s.fit!.intercept),
    line: { dash: paper ? 'dot' : 'dash', color: paper ? 'gray' : '#555' },
    hoverinfo: 'skip',
  };
}

/** Ticks at round percentages inside the plotted logit range, labelled in %. */
function percentAxis(title: string, values: number[]): Record<string, unknown> {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const inRange = TICK_PERCENTS.filter((p) => {
    const z = clampedLogit(p / 100);
    return z >= lo - 0.3 && z <= hi + 0.3;
  });
  return {
    title: { text: title },
    automargin: true,
    tickvals: inRange.map((p) => clampedLogit(p / 100)),
    ticktext: inRange.map((p) => `${p}%`),
    zeroline: false,
  };
}

function selected(view: CorrelationView, opts: CorrelationChartOptions): CorrelationSeries[] {
  const all = opts.kind === 'dataset' ? view.perDataset : view.perSetting;
  return opts.keys ? all.filter((s) => opts.keys!.includes(s.key)) : all;
}

/** Scatter of logit(score) against logit(ImageNet top-1), one colour per series, fitted lines dashed. */
export function correlationChart(view: CorrelationView, opts: CorrelationChartOptions = {}): PlotSpec {
  const data: Record<string, unknown>[] = [];
  const xs: number[] = [];
  const ys: number[] = [];
  const colours = opts.colours ?? new Map<string, string>();
  for (const [index, s] of selected(view, opts).entries()) {
    const symbol = SYMBOLS[index % SYMBOLS.length];
    const plotted: [CorrelationSeries, boolean][] = [[s, false]];
    const paper = opts.overlayPaper ? paperCorrelationSeries(s.setting, s.datasets) : null;
    if (paper !== null) plotted.push([paper, true]);
    for (const [series, isPaper] of plotted) {
      const group = isPaper ? `paper|${s.key}` : s.key;
      const name = legendName(isPaper ? `paper · ${seriesTitle(s)}` : seriesTitle(s), series);
      data.push(pointsTrace(series, name, group, { paper: isPaper, symbol, colours }));
      const line = lineTrace(series, group, isPaper);
      if (line) data.push(line);
      xs.push(...series.points.map((p) => p.x));
      ys.push(...series.points.map((p) => p.y));
    }
  }
  const empty = xs.length === 0;
  return {
    data,
    layout: {
      title: { text: 'ImageNet top-1 vs transfer (logit scale)' },
      xaxis: empty ? { title: { text: 'ImageNet top-1' } } : percentAxis('ImageNet top-1', xs),
      yaxis: empty ? { title: { text: 'transfer score' } } : percentAxis('transfer score', ys),
      legend: legendBelow(),
      ...(empty
        ? {
            annotations: [
              { text: 'No models with both an ImageNet top-1 and a transfer score', showarrow: false },
            ],
          }
        : {}),
    },
  };
}
