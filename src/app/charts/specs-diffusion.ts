// Attentive diffusion figures (paper §4.9): a saliency map drawn over the image the model saw, with the
// contour of the map's mean (diffusion is the share of the map above it), and the per-model means with
// their 95% intervals. Pure data in, plain Plotly JSON out.

import type { DiffusionResult } from '../../core/diffusion/result.ts';
import type { RgbImage } from '../../core/types.ts';
import { escapePlotlyText as esc, type PlotSpec } from './specs-text.ts';

export interface SaliencyOverlayInput {
  /** The image's name, shown as the title (escaped here). */
  label: string;
  /** crop×crop map, row-major. */
  map: ArrayLike<number>;
  diffusion: number;
  /** The model input (crop×crop RGB) under the map; omitted → the map alone. */
  image?: RgbImage;
}

function rows<T>(side: number, cell: (i: number) => T): T[][] {
  return Array.from({ length: side }, (_, y) => Array.from({ length: side }, (_, x) => cell(y * side + x)));
}

/** Map values rounded to 6 significant digits: stable specs, far finer than any colour step. */
const round6 = (v: number) => Number(v.toPrecision(6));

export function saliencyOverlayChart(input: SaliencyOverlayInput): PlotSpec {
  const side = Math.round(Math.sqrt(input.map.length));
  if (side * side !== input.map.length)
    throw new RangeError(`a map of ${input.map.length} values is not square`);
  let mean = 0;
  for (let i = 0; i < input.map.length; i++) mean += input.map[i];
  mean /= input.map.length;
  const z = rows(side, (i) => round6(input.map[i]));
  const data: Record<string, unknown>[] = [];
  if (input.image) {
    const img = input.image;
    if (img.width !== side || img.height !== side)
      throw new RangeError(`image ${img.width}×${img.height} under a ${side}×${side} map`);
    data.push({
      type: 'image',
      z: rows(side, (i) => [img.data[i * 3], img.data[i * 3 + 1], img.data[i * 3 + 2]]),
      hoverinfo: 'skip',
    });
  }
  data.push(
    {
      type: 'heatmap',
      z,
      colorscale: 'Hot',
      reversescale: true,
      opacity: input.image ? 0.55 : 1,
      colorbar: { title: { text: '‖f − f_occ‖ / ‖f‖' }, thickness: 10 },
      hovertemplate: 'x %{x}, y %{y}<br>relative change %{z:.4f}<extra></extra>',
    },
    {
      type: 'contour',
      z,
      contours: { coloring: 'none', start: round6(mean), end: round6(mean), size: 1 },
      line: { color: '#1f77b4', width: 1.5 },
      showscale: false,
      hoverinfo: 'skip',
      name: 'map mean',
    },
  );
  return {
    data,
    layout: {
      title: {
        text: `${esc(input.label)}<br>diffusion ${input.diffusion.toFixed(1)} % above the mean (blue line)`,
        font: { size: 12 },
      },
      xaxis: { visible: false, range: [-0.5, side - 0.5], constrain: 'domain' },
      yaxis: { visible: false, range: [side - 0.5, -0.5], scaleanchor: 'x', constrain: 'domain' },
      margin: { l: 10, r: 10, t: 50, b: 10 },
      height: 340,
    },
  };
}

export interface DiffusionValueRow {
  label: string;
  result: Pick<DiffusionResult, 'mean' | 'ci95' | 'perImage'>;
}

/** One bar per model (mean diffusion, 95% interval) and its images' values as points. */
export function diffusionValuesChart(rows: DiffusionValueRow[]): PlotSpec {
  const labels = rows.map((r) => esc(r.label));
  return {
    data: [
      {
        type: 'bar',
        name: 'mean over images',
        x: labels,
        y: rows.map((r) => r.result.mean),
        error_y: { type: 'data', array: rows.map((r) => r.result.ci95), visible: true },
        hovertemplate: '%{x}<br>mean diffusion %{y:.1f} %<extra></extra>',
      },
      {
        type: 'scatter',
        mode: 'markers',
        name: 'one image',
        x: rows.flatMap((r, i) => r.result.perImage.map(() => labels[i])),
        y: rows.flatMap((r) => r.result.perImage.map((p) => p.diffusion)),
        customdata: rows.flatMap((r) => r.result.perImage.map((p) => esc(p.key))),
        marker: { color: 'black', size: 5, opacity: 0.6 },
        hovertemplate: '%{customdata}<br>diffusion %{y:.1f} %<extra></extra>',
      },
    ],
    layout: {
      title: { text: 'Attentive diffusion: % of the saliency map above its mean (lower = more focused)' },
      xaxis: { title: { text: 'model' }, type: 'category' },
      yaxis: { title: { text: 'diffusion (%)' }, range: [0, 100] },
      showlegend: true,
    },
  };
}
