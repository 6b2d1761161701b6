// Colour-preservation figures: how well colour can be read back from features (R² and per-channel error),
// how much a probe relies on colour (accuracy in colour vs greyscale, feature cosine), and the per-channel
// MSE of Deep Image Prior reconstructions, optionally beside the paper's numbers for its 14 models.

import type { ColourReadoutResult, Rgb } from '../../core/colour/readout.ts';
import type { ColourRelianceResult } from '../../core/colour/reliance.ts';
import { paperModelMetric, paperModels } from '../../core/paper/paper.ts';
import type { RgbImage } from '../../core/types.ts';
import { escapePlotlyText as esc, type PlotSpec, percent } from './specs-text.ts';

/** One bar group: a model (or model · dataset) and its result. */
export interface Labelled<T> {
  label: string;
  result: T;
}

const CHANNELS = [
  ['r', 'red', '#d62728'],
  ['g', 'green', '#2ca02c'],
  ['b', 'blue', '#1f77b4'],
] as const;

function channelBars(
  labels: string[],
  values: Rgb[],
  unit: string,
  digits: number,
  legendPrefix = '',
  opacity = 1,
) {
  return CHANNELS.map(([key, name, color]) => ({
    type: 'bar',
    name: `${legendPrefix}${name}`,
    x: labels,
    y: values.map((v) => v[key]),
    marker: { color, opacity },
    customdata: labels,
    hovertemplate: `%{customdata}<br>${name}: %{y:.${digits}f}${unit}<extra></extra>`,
  }));
}

/** Colour readout: R² of mean R, G, B per channel, plus the histogram's R², per model. */
export function colourReadoutChart(rows: Labelled<ColourReadoutResult>[]): PlotSpec {
  const labels = rows.map((r) => esc(r.label));
  return {
    data: [
      ...channelBars(
        labels,
        rows.map((r) => r.result.r2PerChannel),
        '',
        3,
        'R² mean ',
      ),
      {
        type: 'bar',
        name: 'R² 4×4×4 histogram',
        x: labels,
        y: rows.map((r) => r.result.r2Hist),
        marker: { color: 'gray' },
        customdata: labels,
        hovertemplate: '%{customdata}<br>histogram R²: %{y:.3f}<extra></extra>',
      },
    ],
    layout: {
      title: { text: 'Colour readout from frozen features (ridge, test R²)' },
      barmode: 'group',
      xaxis: { title: { text: 'model' }, type: 'category' },
      yaxis: { title: { text: 'R²' }, range: [Math.min(0, ...rows.map((r) => r.result.r2Hist)), 1] },
    },
  };
}

/** Colour readout error: RMSE of the predicted mean R, G, B (0–255 scale), one bar per channel. */
export function colourReadoutErrorChart(rows: Labelled<ColourReadoutResult>[]): PlotSpec {
  const labels = rows.map((r) => esc(r.label));
  return {
    data: channelBars(
      labels,
      rows.map((r) => r.result.rmse),
      '',
      2,
      'RMSE ',
    ),
    layout: {
      title: { text: 'Colour readout error per channel (0–255 scale)' },
      barmode: 'group',
      xaxis: { title: { text: 'model' }, type: 'category' },
      yaxis: { title: { text: 'RMSE of mean channel value' }, rangemode: 'tozero' },
    },
  };
}

/** Colour reliance: probe accuracy in colour and in greyscale; cosine similarity in the hover. */
export function colourRelianceChart(rows: Labelled<ColourRelianceResult>[]): PlotSpec {
  const labels = rows.map((r) => esc(r.label));
  const bar = (name: string, pick: (r: ColourRelianceResult) => number, color: string) => ({
    type: 'bar',
    name,
    x: labels,
    y: rows.map((r) => percent(pick(r.result))),
    marker: { color },
    customdata: rows.map((r, i) => [labels[i], r.result.meanCosine.toFixed(4)]),
    hovertemplate: `%{customdata[0]}<br>${name}: %{y:.2f}%<br>cosine colour vs grey features %{customdata[1]}<extra></extra>`,
  });
  return {
    data: [
      bar('colour test images', (r) => r.accuracyColour, '#9467bd'),
      bar('greyscale test images', (r) => r.accuracyGrey, 'gray'),
    ],
    layout: {
      title: { text: 'Colour reliance of the linear probe' },
      barmode: 'group',
      xaxis: { title: { text: 'model' }, type: 'category' },
      yaxis: { title: { text: 'accuracy (%)' }, range: [0, 100] },
    },
  };
}

/** The paper's reconstruction MSE (0–255 scale) for its 14 models. */
export function paperReconstructionMse(): Labelled<Rgb>[] {
  return paperModels().map((m) => ({
    label: m.name,
    result: {
      r: paperModelMetric(m.key, 'calibration_reconstruction_attention', 'Red MSE') ?? Number.NaN,
      g: paperModelMetric(m.key, 'calibration_reconstruction_attention', 'Green MSE') ?? Number.NaN,
      b: paperModelMetric(m.key, 'calibration_reconstruction_attention', 'Blue MSE') ?? Number.NaN,
    },
  }));
}

/**
 * Per-channel pixel MSE of feature-inversion reconstructions (0–255 scale), as in the paper's figure; with
 * `overlayPaper` the paper's 14 models follow the lab's, drawn faded and labelled "paper · …".
 */
export function reconstructionMseChart(
  rows: Labelled<Rgb>[],
  opts: { overlayPaper?: boolean } = {},
): PlotSpec {
  const labels = rows.map((r) => esc(r.label));
  const data = channelBars(
    labels,
    rows.map((r) => r.result),
    '',
    0,
  );
  if (opts.overlayPaper) {
    const paper = paperReconstructionMse();
    data.push(
      ...channelBars(
        paper.map((p) => `paper · ${esc(p.label)}`),
        paper.map((p) => p.result),
        '',
        0,
        'paper ',
        0.45,
      ),
    );
  }
  return {
    data,
    layout: {
      title: { text: 'Feature inversion: per-channel reconstruction error' },
      barmode: 'group',
      xaxis: { title: { text: 'model' }, type: 'category' },
      yaxis: { title: { text: 'MSE (0–255 scale)' }, rangemode: 'tozero' },
    },
  };
}

/** Rows of [r, g, b] pixels, the `z` of a Plotly image trace. */
function imageZ(img: RgbImage): number[][][] {
  return Array.from({ length: img.height }, (_, y) =>
    Array.from({ length: img.width }, (_, x) => {
      const p = (y * img.width + x) * 3;
      return [img.data[p], img.data[p + 1], img.data[p + 2]];
    }),
  );
}

/** The target image beside its reconstruction, with the per-channel MSE in the title. */
export function inversionImagesChart(
  target: RgbImage,
  reconstruction: RgbImage,
  mse: Rgb,
  modelName: string,
): PlotSpec {
  const axis = { visible: false };
  return {
    data: [
      { type: 'image', z: imageZ(target), xaxis: 'x', yaxis: 'y', hoverinfo: 'skip' },
      { type: 'image', z: imageZ(reconstruction), xaxis: 'x2', yaxis: 'y2', hoverinfo: 'skip' },
    ],
    layout: {
      title: {
        text: `${esc(modelName)}: reconstruction from layer4 (MSE R ${mse.r.toFixed(0)}, G ${mse.g.toFixed(0)}, B ${mse.b.toFixed(0)})`,
      },
      grid: { rows: 1, columns: 2, pattern: 'independent' },
      xaxis: axis,
      yaxis: axis,
      xaxis2: axis,
      yaxis2: axis,
      annotations: [
        { text: 'input', xref: 'x domain', yref: 'y domain', x: 0.5, y: 1.08, showarrow: false },
        { text: 'reconstruction', xref: 'x2 domain', yref: 'y2 domain', x: 0.5, y: 1.08, showarrow: false },
      ],
    },
  };
}
