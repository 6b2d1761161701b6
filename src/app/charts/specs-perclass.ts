// Per-class figures from one linear probe's test confusion matrix (rows = true class, columns = predicted):
// accuracy per class (diagonal over row sums) and the confusion heatmap. Class names come from the
// user's folders, so every one is escaped before it enters a spec.

import { escapePlotlyText as esc, type PlotSpec, percent } from './specs-text.ts';

/** Above this many classes tick labels would overlap into noise: names stay in the hover text only. */
export const MAX_LABELLED_CLASSES = 40;

/** Escaped class names; "class i" where the list is shorter than the matrix (names dropped). */
function labels(classNames: readonly string[], n: number): string[] {
  return Array.from({ length: n }, (_, i) => esc(classNames[i] ?? `class ${i}`));
}

const ZERO_TO_FULL = [
  [0, '#f7fbff'],
  [1, '#08306b'],
];

const rowSum = (row: readonly number[]) => row.reduce((a, b) => a + b, 0);

/** Accuracy of each class (fraction), null for a class with no test images. */
export function perClassAccuracy(confusion: readonly (readonly number[])[]): (number | null)[] {
  return confusion.map((row, i) => {
    const total = rowSum(row);
    return total === 0 ? null : row[i] / total;
  });
}

function categoryAxis(title: string, n: number): Record<string, unknown> {
  // automargin: long class names would otherwise be clipped at the plot edge.
  return {
    title: { text: title },
    type: 'category',
    showticklabels: n <= MAX_LABELLED_CLASSES,
    automargin: true,
  };
}

/** Bars of per-class test accuracy (%), with the class's test-image count in the hover. */
export function perClassAccuracyChart(
  confusion: readonly (readonly number[])[],
  classNames: readonly string[],
  names: { model: string; dataset: string },
): PlotSpec {
  const n = confusion.length;
  const accuracy = perClassAccuracy(confusion);
  return {
    data: [
      {
        type: 'bar',
        name: 'accuracy',
        x: labels(classNames, n),
        y: accuracy.map((a) => (a === null ? null : percent(a))),
        customdata: confusion.map(rowSum),
        hovertemplate: '%{x}<br>accuracy %{y:.1f}%<br>%{customdata} test images<extra></extra>',
      },
    ],
    layout: {
      title: { text: `Per-class accuracy: ${esc(names.model)} on ${esc(names.dataset)}` },
      xaxis: categoryAxis('class', n),
      yaxis: { title: { text: 'accuracy (%)' }, range: [0, 100] },
    },
  };
}

/**
 * Confusion heatmap coloured by the share of each true class's images (row-normalised %), so a small class
 * is as visible as a large one; the raw counts are in the hover text. True classes run top to bottom.
 */
export function confusionHeatmapChart(
  confusion: readonly (readonly number[])[],
  classNames: readonly string[],
  names: { model: string; dataset: string },
): PlotSpec {
  const n = confusion.length;
  const names_ = labels(classNames, n);
  const z = confusion.map((row) => {
    const total = rowSum(row);
    return row.map((c) => (total === 0 ? 0 : percent(c / total)));
  });
  return {
    data: [
      {
        type: 'heatmap',
        x: names_,
        y: names_,
        z,
        text: confusion.map((row) => row.map(String)),
        zmin: 0,
        zmax: 100,
        // Explicit light-to-dark blues: Plotly's named 'Blues' runs dark at 0, which reads as "all confused".
        colorscale: ZERO_TO_FULL,
        colorbar: { title: { text: '% of true class' } },
        hovertemplate:
          'true %{y}<br>predicted %{x}<br>%{text} images (%{z:.1f}% of the class)<extra></extra>',
      },
    ],
    layout: {
      title: { text: `Confusion matrix: ${esc(names.model)} on ${esc(names.dataset)}` },
      xaxis: categoryAxis('predicted class', n),
      yaxis: { ...categoryAxis('true class', n), autorange: 'reversed' },
    },
  };
}
