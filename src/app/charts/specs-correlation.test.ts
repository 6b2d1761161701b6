import { describe, expect, it } from 'vitest';
import { correlationView } from '../../core/correlation/view.ts';
import { paperScaleRecord, smallRecord } from '../../core/record/fixtures.ts';
import { modelColours, recordColours } from './model-colours.ts';
import { correlationChart } from './specs-correlation.ts';

const XSS = '<img src=x onerror=alert(1)>';

function allStrings(x: unknown): string[] {
  if (typeof x === 'string') return [x];
  if (Array.isArray(x)) return x.flatMap(allStrings);
  if (typeof x === 'object' && x !== null) return Object.values(x).flatMap(allStrings);
  return [];
}

describe('correlationChart', () => {
  const view = correlationView([paperScaleRecord()]);

  it('draws each lab point in its model colour, series told apart by symbol; paper points stay grey', () => {
    const colours = recordColours([paperScaleRecord()]);
    const spec = correlationChart(view, { colours, overlayPaper: true, keys: ['linear'] });
    const lab = spec.data[0] as { meta: { models: string[] }; marker: { color: string[]; symbol: string } };
    expect(lab.meta.models).toEqual(view.perSetting[0].points.map((p) => p.model));
    expect(lab.marker.color).toEqual(lab.meta.models.map((id) => colours.get(id)));
    expect(lab.marker.symbol).toBe('circle');
    const paper = spec.data.find((t) => String(t.name).startsWith('paper'))!;
    expect(paper.meta).toBeUndefined();
    expect((paper.marker as { color: string }).color).toBe('gray');
  });

  it('names one dataset in the singular', () => {
    const one = correlationView([smallRecord()], { sup: 77.2, swav: 75.3 });
    const names = correlationChart(one, { colours: modelColours(['sup', 'swav']) }).data.map((t) => t.name);
    expect(
      names.filter((n) => typeof n === 'string' && /mean of 1 dataset\b/.test(n)).length,
    ).toBeGreaterThan(0);
    expect(names.some((n) => typeof n === 'string' && /mean of 1 datasets/.test(n))).toBe(false);
  });

  it('plots each setting as points plus a fitted line, r and ρ in the legend', () => {
    const spec = correlationChart(view);
    expect(spec.data.length).toBe(2 * 3);
    const linear = spec.data[0];
    expect(linear.mode).toBe('markers');
    expect((linear.x as number[]).length).toBe(14);
    expect(linear.name).toContain(`r = ${view.perSetting[0].pearson.toFixed(2)}`);
    expect(linear.name).toContain(`ρ = ${view.perSetting[0].spearman.toFixed(2)}`);
    const line = spec.data[1];
    const fit = view.perSetting[0].fit!;
    const [x0, x1] = line.x as number[];
    expect((line.y as number[])[0]).toBeCloseTo(fit.slope * x0 + fit.intercept, 12);
    expect((line.y as number[])[1]).toBeCloseTo(fit.slope * x1 + fit.intercept, 12);
    const ticks = (spec.layout.xaxis as { ticktext: string[] }).ticktext;
    expect(ticks).toContain('70%');
  });

  it('overlays the paper’s 14 models for the same setting and datasets', () => {
    const spec = correlationChart(view, { overlayPaper: true, keys: ['linear'] });
    const paper = spec.data.filter((t) => String(t.name).startsWith('paper'));
    expect(paper.length).toBe(1);
    expect((paper[0].x as number[]).length).toBe(14);
    expect((paper[0].customdata as string[][]).map((c) => c[0])).toContain('SwAV');
  });

  it('per-dataset series can be picked by key', () => {
    const spec = correlationChart(view, { kind: 'dataset', keys: ['linear|CIFAR-10', 'linear|Food-101'] });
    expect(spec.data.filter((t) => t.mode === 'markers').length).toBe(2);
  });

  it('escapes model and dataset names from user files', () => {
    const rec = smallRecord();
    rec.models[0].name = XSS;
    rec.scores.forEach((s) => {
      if (s.dataset === 'pets') s.dataset = XSS;
    });
    const spec = correlationChart(correlationView([rec]), { kind: 'dataset', overlayPaper: true });
    const strings = allStrings(spec);
    expect(strings.some((s) => s.includes('<img'))).toBe(false);
    expect(strings.some((s) => s.includes('&lt;img'))).toBe(true);
  });

  it('says so when nothing can be plotted', () => {
    const spec = correlationChart(correlationView([]));
    expect(spec.data).toEqual([]);
    expect(JSON.stringify(spec.layout)).toContain('No models');
  });
});
