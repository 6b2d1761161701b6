import { describe, expect, it } from 'vitest';
import { smallRecord } from '../../core/record/fixtures.ts';
import type { CalibrationDetail, ResultRecord } from '../../core/record/types.ts';
import { modelColours } from './model-colours.ts';
import { reliabilityOverlayChart } from './specs-calibration.ts';
import { axis, legendBelow } from './specs-layout.ts';

const colours = modelColours(['sup', 'swav']);

const XSS = '<img src=x onerror=alert(1)>';

const sup: CalibrationDetail = {
  before: [
    { confidence: 0.6, accuracy: 0.5, count: 25 },
    { confidence: 0.75, accuracy: 0, count: 0 },
    { confidence: 0.95, accuracy: 0.8, count: 100 },
  ],
  after: [{ confidence: 0.85, accuracy: 0.83, count: 125 }],
  eceBefore: 0.1234,
  eceAfter: 0.0211,
  temperature: 1.8,
};
const swav: CalibrationDetail = {
  before: [{ confidence: 0.7, accuracy: 0.7, count: 50 }],
  after: [{ confidence: 0.7, accuracy: 0.69, count: 50 }],
  eceBefore: 0.05,
  eceAfter: 0.01,
  temperature: 1.1,
};

function record(): ResultRecord {
  const r = smallRecord();
  r.models[0].name = XSS;
  r.details = { calibration: { sup: { flowers: sup }, swav: { flowers: swav } } };
  return r;
}

const diagonal = {
  type: 'scatter',
  mode: 'lines',
  name: 'perfect calibration',
  x: [0, 100],
  y: [0, 100],
  line: { dash: 'dash', color: 'gray' },
  hoverinfo: 'skip',
};
const escaped = '&lt;img src=x onerror=alert(1)&gt;';

describe('reliabilityOverlayChart', () => {
  it('overlays every calibrated model with bin counts as marker size and hover data', () => {
    expect(reliabilityOverlayChart([record()], 'flowers', 'before')).toEqual({
      data: [
        diagonal,
        {
          type: 'scatter',
          mode: 'lines+markers',
          name: `${escaped} (ECE 12.34%)`,
          x: [60, 95],
          y: [50, 80],
          meta: { model: 'sup' },
          line: { color: colours.get('sup') },
          // 6 + 14·sqrt(count / 100): the largest bin gets 20.
          marker: { size: [13, 20], color: colours.get('sup') },
          customdata: [25, 100],
          hovertemplate: `${escaped}<br>confidence %{x:.1f}%<br>accuracy %{y:.1f}%<br>%{customdata} images<extra></extra>`,
        },
        {
          type: 'scatter',
          mode: 'lines+markers',
          name: 'SwAV (ECE 5.00%)',
          x: [70],
          y: [70],
          meta: { model: 'swav' },
          line: { color: colours.get('swav') },
          marker: { size: [15.9], color: colours.get('swav') },
          customdata: [50],
          hovertemplate:
            'SwAV<br>confidence %{x:.1f}%<br>accuracy %{y:.1f}%<br>%{customdata} images<extra></extra>',
        },
      ],
      layout: {
        title: { text: 'Reliability on flowers, before temperature scaling (marker size: images per bin)' },
        xaxis: axis('confidence (%)', { range: [0, 100] }),
        yaxis: axis('accuracy (%)', { range: [0, 100] }),
        legend: legendBelow(),
      },
    });
    expect(colours.get('sup')).not.toBe(colours.get('swav'));
  });

  it('after scaling, only the models asked for', () => {
    const spec = reliabilityOverlayChart([record()], 'flowers', 'after', ['swav']);
    expect(spec.data.map((t) => t.name)).toEqual(['perfect calibration', 'SwAV (ECE 1.00%)']);
    expect(spec.data[1].y).toEqual([69]);
  });

  it('only the diagonal when the dataset has no detail (e.g. a shared link)', () => {
    const { details: _dropped, ...shared } = record();
    expect(reliabilityOverlayChart([shared], 'flowers', 'before').data).toEqual([diagonal]);
  });
});
