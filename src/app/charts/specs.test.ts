import { describe, expect, it } from 'vitest';
import { paperScaleRecord, smallRecord } from '../../core/record/fixtures.ts';
import type { CalibrationDetail, ResultRecord } from '../../core/record/types.ts';
import { modelColours, OKABE_ITO } from './model-colours.ts';
import {
  eceBeforeAfterChart,
  escapePlotlyText,
  fewShotVsKChart,
  reliabilityChart,
  transferScoreChart,
} from './specs.ts';
import { axis, legendBelow } from './specs-layout.ts';

const XSS = '<img src=x onerror=alert(1)>';

const detail: CalibrationDetail = {
  before: [
    { confidence: 0.6, accuracy: 0.5, count: 20 },
    { confidence: 0.75, accuracy: 0, count: 0 },
    { confidence: 0.95, accuracy: 0.8, count: 30 },
  ],
  after: [
    { confidence: 0.55, accuracy: 0.52, count: 25 },
    { confidence: 0.85, accuracy: 0.83, count: 25 },
  ],
  eceBefore: 0.1234,
  eceAfter: 0.0211,
  temperature: 1.8,
};

/** Every string anywhere inside a spec, to prove no raw markup survives. */
function allStrings(x: unknown): string[] {
  if (typeof x === 'string') return [x];
  if (Array.isArray(x)) return x.flatMap(allStrings);
  if (typeof x === 'object' && x !== null) return Object.values(x).flatMap(allStrings);
  return [];
}

describe('escapePlotlyText', () => {
  it('escapes markup, quotes and template percent signs with entities Plotly decodes', () => {
    expect(escapePlotlyText(XSS)).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(escapePlotlyText(`a&b "c" 'd' 100%{x}`)).toBe('a&amp;b &#34;c&#34; &#39;d&#39; 100&#37;{x}');
  });
});

describe('transferScoreChart', () => {
  it("marks with * the bar the table marks significantly best (the record's paired comparisons)", () => {
    const record: ResultRecord = {
      ...smallRecord(),
      comparisons: [
        {
          dataset: 'pets',
          probe: 'linear',
          metric: 'top1',
          models: ['sup', 'swav'],
          test: 'mcnemar-exact',
          n: 400,
          difference: 0.039,
          statistic: 3,
          pValue: 0.001,
          pHolm: 0.001,
        },
      ],
    };
    const [sup, swav] = transferScoreChart([record]).data;
    // sup's bars: flowers·linear, pets·linear, pets·5-shot, pets·20-shot; only pets·linear was tested.
    expect(sup.text).toEqual(['', '*', '', '']);
    expect(swav.text).toEqual(['', '']);
  });

  it('groups bars by (dataset, probe) with one trace per model in its colour and ci95 error bars', () => {
    const spec = transferScoreChart([smallRecord()]);
    const colours = modelColours(['sup', 'swav']);
    const hovertemplate =
      '%{customdata[0]}<br>%{customdata[1]} · %{customdata[2]}<br>%{customdata[3]}: %{y:.2f}%{customdata[4]}<extra></extra>';
    expect(spec.data).toEqual([
      {
        type: 'bar',
        name: 'Supervised',
        legendgroup: '["run1","sup"]',
        meta: { model: 'sup' },
        marker: { color: colours.get('sup'), pattern: { shape: '' } },
        x: [
          ['flowers', 'pets', 'pets', 'pets'],
          ['linear', 'linear', '2-way 5-shot', '2-way 20-shot'],
        ],
        y: [87.3, 91.5, 80, 90],
        text: ['', '', '', ''],
        textposition: 'outside',
        cliponaxis: false,
        customdata: [
          ['Supervised', 'flowers', 'linear', 'mean per-class %', ' ± 1.20'],
          ['Supervised', 'pets', 'linear', 'top-1 %', ''],
          ['Supervised', 'pets', '2-way 5-shot', 'top-1 %', ' ± 2.00'],
          ['Supervised', 'pets', '2-way 20-shot', 'top-1 %', ' ± 1.00'],
        ],
        hovertemplate,
        error_y: { type: 'data', array: [1.2, null, 2, 1], visible: true, color: '#333' },
      },
      {
        type: 'bar',
        name: 'SwAV',
        legendgroup: '["run1","swav"]',
        meta: { model: 'swav' },
        marker: { color: colours.get('swav'), pattern: { shape: '' } },
        x: [
          ['flowers', 'pets'],
          ['linear', 'linear'],
        ],
        y: [91.12, 87.6],
        text: ['', ''],
        textposition: 'outside',
        cliponaxis: false,
        customdata: [
          ['SwAV', 'flowers', 'linear', 'mean per-class %', ' ± 1.01'],
          ['SwAV', 'pets', 'linear', 'top-1 %', ''],
        ],
        hovertemplate,
        error_y: { type: 'data', array: [1.01, null], visible: true, color: '#333' },
      },
    ]);
    expect(spec.layout).toEqual({
      title: {
        text: 'Transfer score per probe and dataset (95% intervals; * significantly better than the runner-up)',
      },
      barmode: 'group',
      xaxis: axis('dataset · probe', { type: 'multicategory' }),
      yaxis: axis('score (%)', { rangemode: 'tozero' }),
      legend: legendBelow(),
    });
  });

  it('keeps a model in its colour across compared runs, later runs hatched, and names one dataset once', () => {
    const one = smallRecord();
    one.scores = one.scores.filter((s) => s.dataset === 'pets');
    const two = { ...smallRecord(), createdAt: '2026-11-27T08:00:00.000Z' };
    const spec = transferScoreChart([one, two]);
    const sup = spec.data.filter((t) => (t.meta as { model: string }).model === 'sup');
    expect(sup).toHaveLength(2);
    expect(sup.map((t) => (t.marker as { color: string }).color)).toEqual([
      modelColours(['sup', 'swav']).get('sup'),
      modelColours(['sup', 'swav']).get('sup'),
    ]);
    expect(sup.map((t) => (t.marker as { pattern: { shape: string } }).pattern.shape)).toEqual(['', '/']);
    const single = transferScoreChart([one]);
    expect(single.data[0].x).toEqual(['linear', '2-way 5-shot', '2-way 20-shot']);
    expect((single.layout.xaxis as { title: { text: string } }).title.text).toBe('probe (pets)');
  });

  it('leaves probes scored by other metrics (ECE) to their own charts', () => {
    const r = smallRecord();
    r.scores.push({ model: 'sup', dataset: 'pets', probe: 'ece', metric: 'ece', value: 0.1 });
    const x = transferScoreChart([r]).data[0].x as string[][];
    expect(x[1]).not.toContain('calibration (ECE)');
  });
});

describe('paper-scale charts', () => {
  it('give one bar trace per model and one few-shot line per (model, dataset)', () => {
    const bars = transferScoreChart([paperScaleRecord()]);
    expect(bars.data).toHaveLength(14);
    // 11 datasets × 3 probes per model.
    expect(bars.data.every((t) => (t.x as string[][])[0].length === 33)).toBe(true);
    const lines = fewShotVsKChart([paperScaleRecord()]);
    expect(lines.data).toHaveLength(14 * 11);
    expect(lines.data[0].x).toEqual([5, 20]);
    expect(lines.data[0].y).toEqual([42.59, 48.67]); // InsDis on Aircraft, the paper's numbers
    // 14 models over an 8-colour palette: every colour is used before any repeats.
    const used = new Set(bars.data.map((t) => (t.marker as { color: string }).color));
    expect(used.size).toBe(OKABE_ITO.length);
  });
});

describe('fewShotVsKChart', () => {
  it('draws accuracy against k per (model, dataset, ways) with error bars, in the model colour', () => {
    const colour = modelColours(['sup', 'swav']).get('sup');
    expect(fewShotVsKChart([smallRecord()])).toEqual({
      data: [
        {
          type: 'scatter',
          mode: 'lines+markers',
          name: 'Supervised · pets (2-way)',
          legendgroup: '["run1","sup"]',
          meta: { model: 'sup' },
          line: { color: colour, dash: 'dash' },
          marker: { color: colour },
          x: [5, 20],
          y: [80, 90],
          customdata: [
            ['Supervised', 'pets', 2, ' ± 2.00'],
            ['Supervised', 'pets', 2, ' ± 1.00'],
          ],
          hovertemplate:
            '%{customdata[0]}<br>%{customdata[1]}, %{customdata[2]}-way %{x}-shot<br>accuracy: %{y:.2f}%{customdata[3]}<extra></extra>',
          error_y: { type: 'data', array: [2, 1], visible: true },
        },
      ],
      layout: {
        title: { text: 'Few-shot accuracy against shots per class' },
        xaxis: axis('shots per class (k)', { type: 'log', tickvals: [5, 20], ticktext: ['5', '20'] }),
        yaxis: axis('accuracy (%)'),
        legend: legendBelow(),
      },
    });
  });
});

describe('calibration charts', () => {
  it('reliabilityChart plots non-empty bins before and after scaling against the diagonal', () => {
    const spec = reliabilityChart(detail, { model: 'SwAV', dataset: 'pets' });
    expect(spec.data.map((t) => [t.name, t.x, t.y, t.customdata])).toEqual([
      ['perfect calibration', [0, 100], [0, 100], undefined],
      ['before scaling (ECE 12.34%)', [60, 95], [50, 80], [20, 30]],
      ['after scaling (T = 1.80) (ECE 2.11%)', [55, 85], [52, 83], [25, 25]],
    ]);
    expect(spec.layout.title).toEqual({ text: 'Reliability: SwAV on pets' });
  });

  it('eceBeforeAfterChart reads details when present, else the ece scores', () => {
    const withDetails: ResultRecord = {
      ...smallRecord(),
      details: { calibration: { sup: { pets: detail } } },
    };
    const withScores = smallRecord();
    withScores.scores.push(
      { model: 'swav', dataset: 'pets', probe: 'ece', metric: 'ece', value: 0.08 },
      { model: 'swav', dataset: 'pets', probe: 'ece-scaled', metric: 'ece', value: 0.02 },
      { model: 'swav', dataset: 'flowers', probe: 'ece', metric: 'ece', value: 0.1 },
      { model: 'swav', dataset: 'flowers', probe: 'ece-scaled', metric: 'ece', value: 0.03 },
    );
    const a = eceBeforeAfterChart([withDetails]);
    expect(a.data.map((t) => [t.name, t.x, t.y])).toEqual([
      ['before temperature scaling', ['Supervised'], [12.34]],
      ['after temperature scaling', ['Supervised'], [2.11]],
    ]);
    const b = eceBeforeAfterChart([withScores]);
    expect(b.data.map((t) => [t.x, t.y])).toEqual([
      [['SwAV'], [9]],
      [['SwAV'], [2.5]],
    ]);
    expect(b.layout.title).toEqual({
      text: 'Expected calibration error (mean over datasets); after scaling hatched',
    });
    expect(eceBeforeAfterChart([withScores], 'pets').data.map((t) => t.y)).toEqual([[8], [2]]);
    // Each bar in its model's colour, "after" hatched; meta names the model of every bar.
    const swavColour = modelColours(['sup', 'swav']).get('swav');
    expect(b.data.map((t) => [t.meta, t.marker])).toEqual([
      [{ models: ['swav'] }, { color: [swavColour], pattern: { shape: '' } }],
      [{ models: ['swav'] }, { color: [swavColour], pattern: { shape: '/' } }],
    ]);
  });
});

describe('user strings never reach Plotly unescaped', () => {
  it(`escapes ${XSS} as model, dataset and probe name in every chart`, () => {
    const r = smallRecord();
    r.models[0].name = XSS;
    r.datasets[1].name = XSS;
    for (const s of r.scores) {
      if (s.dataset === 'pets') s.dataset = XSS;
    }
    r.scores[2].probe = XSS;
    r.scores.push(
      { model: 'sup', dataset: XSS, probe: 'ece', metric: 'ece', value: 0.1 },
      { model: 'sup', dataset: XSS, probe: 'ece-scaled', metric: 'ece', value: 0.02 },
    );
    const specs = [
      transferScoreChart([r, r]),
      fewShotVsKChart([r]),
      eceBeforeAfterChart([r], XSS),
      reliabilityChart(detail, { model: XSS, dataset: XSS }),
    ];
    for (const spec of specs) {
      const strings = allStrings(spec);
      expect(strings.some((s) => s.includes('&lt;img src=x onerror=alert(1)&gt;'))).toBe(true);
      for (const s of strings) expect(s).not.toMatch(/<img|onerror=alert\(1\)>/);
    }
  });
});
