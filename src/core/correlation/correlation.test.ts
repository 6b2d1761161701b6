import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { paperScaleRecord, smallRecord } from '../record/fixtures.ts';
import type { ResultRecord } from '../record/types.ts';
import { paperCorrelationSeries } from './paper.ts';
import {
  type CorrelationSeries,
  clampedLogit,
  correlationView,
  LOGIT_EPS,
  leastSquaresLine,
} from './view.ts';

// An independent, deliberately plain reference: textbook formulas, ranks by counting.
function refPearson(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b) / n;
  const my = y.reduce((a, b) => a + b) / n;
  const cov = x.reduce((acc, xi, i) => acc + (xi - mx) * (y[i] - my), 0);
  const vx = x.reduce((acc, xi) => acc + (xi - mx) ** 2, 0);
  const vy = y.reduce((acc, yi) => acc + (yi - my) ** 2, 0);
  return cov / Math.sqrt(vx * vy);
}

function refRanks(v: number[]): number[] {
  // rank = 1 + (# smaller) + (# equal − 1) / 2: the average rank of a tie group.
  return v.map((a) => 1 + v.filter((b) => b < a).length + (v.filter((b) => b === a).length - 1) / 2);
}

const refSpearman = (x: number[], y: number[]) => refPearson(refRanks(x), refRanks(y));
const refLogit = (p: number) => Math.log(p / (1 - p));

function checkAgainstReference(s: CorrelationSeries): void {
  const x = s.points.map((p) => p.x);
  const y = s.points.map((p) => p.y);
  expect(Math.abs(s.pearson - refPearson(x, y))).toBeLessThan(1e-9);
  expect(Math.abs(s.spearman - refSpearman(x, y))).toBeLessThan(1e-9);
}

const PYTHON = '/usr/bin/python3';
const scipyMissing =
  spawnSync(PYTHON, ['-c', 'import scipy.stats, numpy'], { encoding: 'utf8' }).status !== 0;
if (scipyMissing) console.warn(`\n!!! scipy cross-check SKIPPED: ${PYTHON} cannot import scipy and numpy\n`);

/** scipy's pearsonr, spearmanr and numpy's polyfit on the same coordinates. */
function scipyStats(
  series: { x: number[]; y: number[] }[],
): { r: number; rho: number; slope: number; intercept: number }[] {
  const script = [
    'import json, sys, numpy as np',
    'from scipy import stats',
    'out = []',
    'for s in json.load(sys.stdin):',
    '    slope, intercept = np.polyfit(s["x"], s["y"], 1)',
    '    out.append({"r": stats.pearsonr(s["x"], s["y"])[0], "rho": stats.spearmanr(s["x"], s["y"])[0], "slope": slope, "intercept": intercept})',
    'print(json.dumps(out))',
  ].join('\n');
  const r = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(series), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scipy failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('correlationView on the paper-scale record (14 models, the paper numbers)', () => {
  const record = paperScaleRecord();
  const view = correlationView([record]);

  it('has one series per (setting, dataset) and one per setting, every model a point', () => {
    expect(view.perDataset.length).toBe(3 * 11);
    expect(view.perSetting.map((s) => s.key)).toEqual([
      'linear',
      'fewshot-5way-5shot',
      'fewshot-5way-20shot',
    ]);
    for (const s of [...view.perDataset, ...view.perSetting]) expect(s.points.length).toBe(14);
    expect(view.missingTop1).toEqual([]);
    expect(view.perSetting[0].datasets.length).toBe(11);
  });

  it('transforms scores and top-1 by logit (accuracy 0.7 → log(0.7/0.3))', () => {
    const cifar = view.perDataset.find((s) => s.key === 'linear|CIFAR-10')!;
    const swav = cifar.points.find((p) => p.model === 'swav')!;
    expect(swav.top1).toBe(75.3);
    expect(swav.x).toBeCloseTo(refLogit(0.753), 12);
    expect(swav.y).toBeCloseTo(refLogit(0.9399), 12);
    expect(clampedLogit(0.7)).toBeCloseTo(Math.log(0.7 / 0.3), 15);
    expect(clampedLogit(1)).toBeCloseTo(refLogit(1 - LOGIT_EPS), 12);
    expect(clampedLogit(0)).toBeCloseTo(refLogit(LOGIT_EPS), 12);
  });

  it('per setting, y is the mean of the logits over the setting’s datasets', () => {
    const linear = view.perSetting.find((s) => s.key === 'linear')!;
    const sup = linear.points.find((p) => p.model === 'supervised')!;
    const logits = record.scores
      .filter((s) => s.model === 'supervised' && s.probe === 'linear')
      .map((s) => refLogit(s.value));
    expect(sup.y).toBeCloseTo(logits.reduce((a, b) => a + b) / logits.length, 12);
  });

  it('Pearson r and Spearman ρ equal a plain reference to 1e-9, for every series', () => {
    for (const s of [...view.perDataset, ...view.perSetting]) checkAgainstReference(s);
  });

  it.skipIf(scipyMissing)('and equal scipy.stats / numpy.polyfit to 1e-9', () => {
    const all = [...view.perDataset, ...view.perSetting];
    const ref = scipyStats(all.map((s) => ({ x: s.points.map((p) => p.x), y: s.points.map((p) => p.y) })));
    all.forEach((s, i) => {
      expect(Math.abs(s.pearson - ref[i].r), s.key).toBeLessThan(1e-9);
      expect(Math.abs(s.spearman - ref[i].rho), s.key).toBeLessThan(1e-9);
      expect(Math.abs(s.fit!.slope - ref[i].slope), s.key).toBeLessThan(1e-9);
      expect(Math.abs(s.fit!.intercept - ref[i].intercept), s.key).toBeLessThan(1e-9);
    });
  });

  it('the paper overlay has the 14 models and matches the record built from the paper’s numbers', () => {
    const linear = view.perSetting.find((s) => s.key === 'linear')!;
    const paper = paperCorrelationSeries('linear', linear.datasets)!;
    expect(paper.points.length).toBe(14);
    expect(paper.datasets.length).toBe(11);
    expect(Math.abs(paper.pearson - linear.pearson)).toBeLessThan(1e-12);
    expect(Math.abs(paper.spearman - linear.spearman)).toBeLessThan(1e-12);
    console.log(
      `paper linear (11 datasets): r = ${paper.pearson.toFixed(3)}, ρ = ${paper.spearman.toFixed(3)}`,
    );
  });
});

describe('paperCorrelationSeries', () => {
  it('maps dataset spellings, falls back to all the paper’s datasets, refuses non-accuracy settings', () => {
    expect(paperCorrelationSeries('linear', ['Food-101'])!.datasets).toEqual(['food']);
    expect(paperCorrelationSeries('linear', ['my own photos'])!.datasets.length).toBe(11);
    const cd = paperCorrelationSeries('fewshot-5way-20shot', ['EuroSAT', 'ChestX'])!;
    expect(cd.points.length).toBe(14);
    expect(cd.datasets).toEqual(['eurosat', 'chestx']);
    expect(paperCorrelationSeries('ece')).toBeNull();
    expect(paperCorrelationSeries('my-probe')).toBeNull();
  });
});

describe('correlationView on small records', () => {
  it('prefers a typed top-1 over the card, and lists models with neither', () => {
    const rec = smallRecord();
    rec.models.push({ ...rec.models[0], id: 'mystery', name: 'Mystery', imagenetTop1: null });
    rec.scores.push({ model: 'mystery', dataset: 'pets', probe: 'linear', metric: 'top1', value: 0.5 });
    const view = correlationView([rec], { swav: 80 });
    expect(view.missingTop1).toEqual(['mystery']);
    const pets = view.perDataset.find((s) => s.key === 'linear|pets')!;
    expect(pets.points.map((p) => [p.model, p.top1])).toEqual([
      ['sup', 77.2],
      ['swav', 80],
    ]);
    // Two points: r = ±1 exactly; here the model with higher top-1 scores lower on pets.
    expect(pets.pearson).toBeCloseTo(-1, 12);
  });

  it('averages a setting over the datasets every model has, and says which were left out', () => {
    const rec = smallRecord();
    rec.scores = rec.scores.filter((s) => !(s.model === 'swav' && s.dataset === 'pets'));
    const view = correlationView([rec]);
    const linear = view.perSetting.find((s) => s.key === 'linear')!;
    expect(linear.datasets).toEqual(['flowers']);
    expect(view.warnings.some((w) => w.includes('pets left out'))).toBe(true);
  });

  it('ignores ECE-type scores and keeps the last run of a repeated model, with a warning', () => {
    const a = smallRecord();
    const b: ResultRecord = {
      ...smallRecord(),
      scores: [{ model: 'sup', dataset: 'pets', probe: 'linear', metric: 'top1', value: 0.5 }],
    };
    a.scores.push({ model: 'sup', dataset: 'pets', probe: 'ece', metric: 'ece', value: 0.1 });
    const view = correlationView([a, b]);
    expect(view.perDataset.some((s) => s.setting === 'ece')).toBe(false);
    const pets = view.perDataset.find((s) => s.key === 'linear|pets')!;
    expect(pets.points.find((p) => p.model === 'sup')!.score).toBeCloseTo(0.5, 12);
    expect(view.warnings.length).toBeGreaterThan(0);
  });

  it('fits the least-squares line exactly on collinear points and refuses a vertical one', () => {
    expect(leastSquaresLine([0, 1, 2, 3], [1, 3, 5, 7])).toEqual({ slope: 2, intercept: 1 });
    expect(leastSquaresLine([1, 1], [0, 5])).toBeNull();
  });
});
