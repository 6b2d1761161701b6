import { describe, expect, it } from 'vitest';
import type { ColourReadoutResult } from '../../core/colour/readout.ts';
import {
  colourReadoutChart,
  colourReadoutErrorChart,
  colourRelianceChart,
  inversionImagesChart,
  paperReconstructionMse,
  reconstructionMseChart,
} from './specs-colour.ts';

const XSS = '<img src=x onerror=alert(1)>';

function allStrings(x: unknown): string[] {
  if (typeof x === 'string') return [x];
  if (Array.isArray(x)) return x.flatMap(allStrings);
  if (typeof x === 'object' && x !== null) return Object.values(x).flatMap(allStrings);
  return [];
}

const readout: ColourReadoutResult = {
  r2Mean: 0.9,
  r2PerChannel: { r: 0.95, g: 0.9, b: 0.85 },
  r2Hist: 0.6,
  rmse: { r: 10, g: 12.5, b: 15 },
  lambda: { meanRgb: 1, hist: 10 },
  validation: { log10Relative: [0], r2Mean: [0.9], r2Hist: [0.6] },
};

describe('colour charts', () => {
  it('readout: R, G, B and histogram R² per model', () => {
    const spec = colourReadoutChart([{ label: 'SwAV', result: readout }]);
    expect(spec.data.map((t) => t.y)).toEqual([[0.95], [0.9], [0.85], [0.6]]);
    expect(colourReadoutErrorChart([{ label: 'SwAV', result: readout }]).data.map((t) => t.y)).toEqual([
      [10],
      [12.5],
      [15],
    ]);
  });

  it('reliance: colour and greyscale accuracy in %', () => {
    const spec = colourRelianceChart([
      {
        label: 'Supervised',
        result: { accuracyColour: 0.9, accuracyGrey: 0.75, drop: 0.15, meanCosine: 0.93 },
      },
    ]);
    expect(spec.data.map((t) => t.y)).toEqual([[90], [75]]);
    expect(JSON.stringify(spec.data[1].customdata)).toContain('0.9300');
  });

  it('reconstruction MSE with the paper’s 14 models (Supervised: R 2788, G 2917, B 2903)', () => {
    const paper = paperReconstructionMse();
    expect(paper.length).toBe(14);
    expect(paper.every((p) => Number.isFinite(p.result.r + p.result.g + p.result.b))).toBe(true);
    const spec = reconstructionMseChart([{ label: 'mine', result: { r: 3000, g: 2500, b: 3100 } }], {
      overlayPaper: true,
    });
    expect(spec.data.length).toBe(6);
    expect((spec.data[3].x as string[]).length).toBe(14);
    const sup = paper.find((p) => p.label === 'Supervised')!;
    expect(sup.result).toEqual({ r: 2788, g: 2917, b: 2903 });
  });

  it('inversion images: target and reconstruction side by side as image traces', () => {
    const img = { data: Uint8Array.from([255, 0, 0, 0, 0, 255]), width: 2, height: 1 };
    const spec = inversionImagesChart(img, img, { r: 1, g: 2, b: 3 }, XSS);
    expect(spec.data[0].z).toEqual([
      [
        [255, 0, 0],
        [0, 0, 255],
      ],
    ]);
    expect(allStrings(spec).some((s) => s.includes('<img'))).toBe(false);
  });

  it('escapes labels', () => {
    const strings = allStrings(colourReadoutChart([{ label: XSS, result: readout }]));
    expect(strings.some((s) => s.includes('<img'))).toBe(false);
  });
});
