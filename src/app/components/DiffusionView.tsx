import { useMemo, useState } from 'react';
import { type DiffusionResult, describeSetting, formatDiffusion } from '../../core/diffusion/result.ts';
import type { RgbImage } from '../../core/types.ts';
import { diffusionValuesChart, saliencyOverlayChart } from '../charts/specs-diffusion.ts';
import { ChartHost } from './ChartHost.tsx';

export interface DiffusionViewRow {
  label: string;
  result: DiffusionResult;
  /** The model inputs (crop×crop RGB) by image key, drawn under the maps. */
  images?: { key: string; image: RgbImage }[];
}

const FIRST_IMAGES = 4;
/** Maps side by side, as many per row as fit (chart figures are blocks otherwise). */
const MAP_GRID = {
  display: 'grid',
  gridTemplateColumns: 'repeat(auto-fill, minmax(260px, 1fr))',
  gap: '0 1rem',
};

function ModelMaps({ row, showAll }: { row: DiffusionViewRow; showAll: boolean }) {
  const images = useMemo(() => new Map(row.images?.map((i) => [i.key, i.image])), [row.images]);
  const shown = showAll ? row.result.perImage : row.result.perImage.slice(0, FIRST_IMAGES);
  return (
    <div style={MAP_GRID} data-testid="diffusion-maps">
      {shown.map((p) => (
        <ChartHost
          key={p.key}
          spec={saliencyOverlayChart({
            label: p.key,
            map: p.map,
            diffusion: p.diffusion,
            image: images.get(p.key),
          })}
          title={`Saliency map of ${row.label} on ${p.key}`}
          testId="chart-saliency"
        />
      ))}
    </div>
  );
}

/** Attentive diffusion results: per model the mean with its interval and setting, and the maps over the images. */
export function DiffusionView({ rows }: { rows: DiffusionViewRow[] }) {
  const [showAll, setShowAll] = useState(false);
  const values = useMemo(() => diffusionValuesChart(rows), [rows]);
  if (rows.length === 0) return null;
  const more = rows.some((r) => r.result.perImage.length > FIRST_IMAGES);
  return (
    <div data-testid="diffusion-view">
      <table data-testid="diffusion-table">
        <thead>
          <tr>
            <th scope="col">model</th>
            <th scope="col">diffusion (95% interval)</th>
            <th scope="col">images</th>
            <th scope="col">setting</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.label}>
              <th scope="row">{r.label}</th>
              <td data-testid="diffusion-value">{formatDiffusion(r.result)}</td>
              <td>{r.result.perImage.length}</td>
              <td className="small">{describeSetting(r.result.settings)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ChartHost spec={values} title="Attentive diffusion per model" testId="chart-diffusion-values" />
      {more ? (
        <label>
          <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} /> Show the
          maps of every image (first {FIRST_IMAGES} per model otherwise)
        </label>
      ) : null}
      {rows.map((r) => (
        <section key={r.label} aria-label={`Saliency maps of ${r.label}`}>
          <h4>{r.label}</h4>
          <ModelMaps row={r} showAll={showAll} />
        </section>
      ))}
    </div>
  );
}
