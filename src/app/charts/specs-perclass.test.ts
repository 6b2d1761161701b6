import { describe, expect, it } from 'vitest';
import { confusionHeatmapChart, perClassAccuracy, perClassAccuracyChart } from './specs-perclass.ts';

const XSS = '<img src=x onerror=alert(1)>';
const ESCAPED = '&lt;img src=x onerror=alert(1)&gt;';

// Rows = true class: cat has 4 test images (3 right), the XSS class 2 (both right), bird none.
const confusion = [
  [3, 1, 0],
  [0, 2, 0],
  [0, 0, 0],
];
const names = { model: 'SwAV', dataset: 'pets 100%' };

describe('per-class specs', () => {
  it('per-class accuracy is the diagonal over row sums, null for an empty class', () => {
    expect(perClassAccuracy(confusion)).toEqual([0.75, 1, null]);
  });

  it('per-class accuracy chart: escaped names, percent values and counts', () => {
    expect(perClassAccuracyChart(confusion, ['cat', XSS, 'bird'], names)).toEqual({
      data: [
        {
          type: 'bar',
          name: 'accuracy',
          x: ['cat', ESCAPED, 'bird'],
          y: [75, 100, null],
          customdata: [4, 2, 0],
          hovertemplate: '%{x}<br>accuracy %{y:.1f}%<br>%{customdata} test images<extra></extra>',
        },
      ],
      layout: {
        title: { text: 'Per-class accuracy: SwAV on pets 100&#37;' },
        xaxis: { title: { text: 'class' }, type: 'category', showticklabels: true, automargin: true },
        yaxis: { title: { text: 'accuracy (%)' }, range: [0, 100] },
      },
    });
  });

  it('confusion heatmap: row-normalised colour, raw counts in hover, true classes top to bottom', () => {
    const spec = confusionHeatmapChart(confusion, ['cat', XSS], names);
    expect(spec.data).toEqual([
      {
        type: 'heatmap',
        x: ['cat', ESCAPED, 'class 2'],
        y: ['cat', ESCAPED, 'class 2'],
        z: [
          [75, 25, 0],
          [0, 100, 0],
          [0, 0, 0],
        ],
        text: [
          ['3', '1', '0'],
          ['0', '2', '0'],
          ['0', '0', '0'],
        ],
        zmin: 0,
        zmax: 100,
        colorscale: [
          [0, '#f7fbff'],
          [1, '#08306b'],
        ],
        colorbar: { title: { text: '% of true class' } },
        hovertemplate:
          'true %{y}<br>predicted %{x}<br>%{text} images (%{z:.1f}% of the class)<extra></extra>',
      },
    ]);
    expect(spec.layout.yaxis).toEqual({
      title: { text: 'true class' },
      type: 'category',
      showticklabels: true,
      automargin: true,
      autorange: 'reversed',
    });
    expect(JSON.stringify(spec)).not.toContain('<img');
  });

  it('hides tick labels when there are too many classes to read', () => {
    const n = 41;
    const big = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
    const spec = confusionHeatmapChart(big, [], names);
    expect(spec.layout.xaxis).toEqual({
      title: { text: 'predicted class' },
      type: 'category',
      showticklabels: false,
      automargin: true,
    });
    expect((spec.data[0].x as string[])[40]).toBe('class 40');
  });
});
