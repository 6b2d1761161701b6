// The kNN probe's chart: top-1 accuracy against the number of neighbours k, one line per (model [run],
// dataset), read from the kNN score's extras (so a shared link draws it too).

import { KNN_PROBE, knnCurve } from '../../core/probes/descriptors/knn.ts';
import { mergeRecords } from '../../core/record/merge.ts';
import type { ResultRecord } from '../../core/record/types.ts';
import { escapePlotlyText as esc, type PlotSpec, percent } from './specs-text.ts';

export function knnCurveChart(records: ResultRecord[]): PlotSpec | null {
  const view = mergeRecords(records);
  const data: Record<string, unknown>[] = [];
  const ks = new Set<number>();
  for (const row of view.rows) {
    const scores = view.cells.filter((c) => c.rowKey === row.key && c.score.probe === KNN_PROBE);
    for (const { score } of scores) {
      const curve = knnCurve(score.extra);
      if (curve.length === 0) continue;
      for (const p of curve) ks.add(p.k);
      const capped = score.extra?.kCappedAt;
      data.push({
        type: 'scatter',
        mode: 'lines+markers',
        name: `${esc(row.label)} · ${esc(score.dataset)}`,
        legendgroup: row.key,
        x: curve.map((p) => p.k),
        y: curve.map((p) => percent(p.value)),
        customdata: curve.map((p) => [
          esc(row.label),
          esc(score.dataset),
          capped !== undefined && p.k > capped ? ` (capped at the train size, ${capped})` : '',
        ]),
        hovertemplate:
          '%{customdata[0]}<br>%{customdata[1]}, k = %{x}%{customdata[2]}<br>top-1: %{y:.2f}%<extra></extra>',
      });
    }
  }
  if (data.length === 0) return null;
  const ticks = [...ks].sort((a, b) => a - b);
  return {
    data,
    layout: {
      title: { text: 'kNN accuracy against the number of neighbours' },
      xaxis: { title: { text: 'neighbours (k)' }, type: 'log', tickvals: ticks, ticktext: ticks.map(String) },
      yaxis: { title: { text: 'top-1 accuracy (%)' } },
      legend: { orientation: 'h' },
    },
  };
}
