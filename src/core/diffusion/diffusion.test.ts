// The pure part of attentive diffusion: geometry and coverage, occluded inputs, the map, the value, the
// interval (against scipy.stats.t), the seeded sample and settings validation.

import { describe, expect, it } from 'vitest';
import { occlusionGeometry, positionOrigin, positionsPerImage } from './geometry.ts';
import { meanWithInterval, studentTCdf, studentTQuantile } from './interval.ts';
import { diffusionPercent, relativeChange, saliencyMap } from './map.ts';
import { centreCrop, writeOccluded } from './occlude.ts';
import { sampleImageKeys } from './sample.ts';
import {
  DEFAULT_DIFFUSION_SETTINGS,
  DiffusionSettingsError,
  isPaperSetting,
  paperDiffusion,
  validateDiffusionSettings,
} from './settings.ts';

describe('occlusion geometry', () => {
  it("the paper's 224 crop: a 242 image, 233² ≈ 54,000 positions, 100 occlusions cover every crop pixel", () => {
    const g = occlusionGeometry(224, 10, 1);
    expect(g.side).toBe(242);
    expect(g.margin).toBe(9);
    expect(positionsPerImage(g)).toBe(233 * 233);
    const { coverage } = saliencyMap(g, new Float64Array(233 * 233));
    expect(Math.min(...coverage)).toBe(100);
    expect(Math.max(...coverage)).toBe(100);
  });

  it('stride 5: origins 0, 5, … 230 and every crop pixel covered by 2 × 2 positions', () => {
    const g = occlusionGeometry(224, 10, 5);
    expect(g.origins).toEqual(Array.from({ length: 47 }, (_, i) => 5 * i));
    const { coverage } = saliencyMap(g, new Float64Array(47 * 47));
    expect(Math.min(...coverage)).toBe(4);
    expect(Math.max(...coverage)).toBe(4);
    expect(positionOrigin(g, 48)).toEqual({ x: 5, y: 5 });
  });

  it('refuses a stride above the occluder (pixels would go uncovered) and an occluder above the crop', () => {
    expect(() => occlusionGeometry(32, 10, 11)).toThrow(DiffusionSettingsError);
    expect(() => occlusionGeometry(8, 10, 1)).toThrow(DiffusionSettingsError);
    expect(() => occlusionGeometry(32, 0, 1)).toThrow(DiffusionSettingsError);
  });
});

describe('occluded inputs', () => {
  const g = occlusionGeometry(4, 3, 1); // side 8, margin 2
  const image = Float32Array.from({ length: 8 * 8 * 3 }, (_, i) => 0.5 + i / 1000);

  it('the base input is the centre crop', () => {
    const crop = centreCrop(g, image);
    expect(crop.length).toBe(4 * 4 * 3);
    expect(crop[0]).toBe(image[(2 * 8 + 2) * 3]);
    expect(crop[4 * 4 * 3 - 1]).toBe(image[(5 * 8 + 5) * 3 + 2]);
  });

  it('an occluder half in the margin paints only its part inside the crop', () => {
    const base = centreCrop(g, image);
    const out = new Float32Array(base.length + 5);
    writeOccluded(g, base, 1, 0, [0.1, 0.2, 0.3], out, 5); // covers side x 1..3, y 0..2 → crop x 0..1, y 0
    const painted: number[] = [];
    for (let p = 0; p < 16; p++) if (out[5 + p * 3] === Math.fround(0.1)) painted.push(p);
    expect(painted).toEqual([0, 1]);
    expect(out[5 + 2 * 3]).toBe(base[2 * 3]);
  });
});

describe('map and diffusion value', () => {
  it('relative change is ‖f − f_occ‖ / ‖f‖', () => {
    expect(relativeChange([3, 4], [9, 9, 3, 0], 1)).toBeCloseTo(4 / 5, 15);
  });

  it('each pixel averages the changes of the positions covering it', () => {
    const g = occlusionGeometry(2, 2, 1); // side 4, margin 1, origins 0..2 (3×3 positions)
    const changes = Array.from({ length: 9 }, (_, i) => i);
    const { map, coverage } = saliencyMap(g, changes);
    // Crop pixel (0,0) is side pixel (1,1): covered by origins (y,x) ∈ {0,1}²: positions 0, 1, 3, 4.
    expect(coverage[0]).toBe(4);
    expect(map[0]).toBe((0 + 1 + 3 + 4) / 4);
    expect(map[3]).toBe((4 + 5 + 7 + 8) / 4);
  });

  it('diffusion = % of values strictly above the mean', () => {
    expect(diffusionPercent([1, 1, 1, 5])).toBe(25);
    expect(diffusionPercent([0, 1, 2, 3, 4])).toBe(40);
    expect(diffusionPercent([2, 2, 2])).toBe(0);
  });
});

describe('95% interval over images (Student t)', () => {
  it('t quantiles equal scipy.stats.t.ppf(0.975, df)', () => {
    const scipy: [number, number][] = [
      [1, 12.706204736432095],
      [2, 4.302652729911275],
      [5, 2.5705818366147395],
      [19, 2.093024054408263],
      [100, 1.9839715184496334],
    ];
    // 1e-8: the interval is printed to two decimals of a percentage; Lanczos + the continued fraction give ~1e-9.
    for (const [df, q] of scipy) expect(studentTQuantile(0.975, df)).toBeCloseTo(q, 8);
    expect(studentTCdf(-1.3, 7)).toBeCloseTo(0.11738391769618858, 12);
  });

  it('mean ± t·s/√n equals scipy on five values; one value has no interval', () => {
    const r = meanWithInterval([44.1, 47.3, 45.0, 49.9, 41.2]);
    expect(r.mean).toBeCloseTo(45.5, 12);
    expect(r.ci95).toBeCloseTo(4.085244383021998, 8);
    expect(meanWithInterval([40])).toEqual({ mean: 40, ci95: null });
  });
});

describe('seeded image sample', () => {
  const keys = Array.from({ length: 50 }, (_, i) => `c${i % 3}/img${i}.png`);

  it('depends on the seed and the set of keys, not their order', () => {
    const a = sampleImageKeys(keys, 20, 0);
    expect(a).toHaveLength(20);
    expect(new Set(a).size).toBe(20);
    expect(sampleImageKeys([...keys].reverse(), 20, 0)).toEqual(a);
    expect(sampleImageKeys(keys, 20, 1)).not.toEqual(a);
  });

  it('takes every image when there are fewer than asked', () => {
    expect(sampleImageKeys(['b', 'a'], 20, 0)).toEqual(['a', 'b']);
  });
});

describe('settings', () => {
  it('the default is not the paper setting; the paper setting is stride 1 with the same rest', () => {
    expect(isPaperSetting(DEFAULT_DIFFUSION_SETTINGS)).toBe(false);
    const paper = paperDiffusion();
    expect(isPaperSetting(paper)).toBe(true);
    expect({ ...paper, stride: DEFAULT_DIFFUSION_SETTINGS.stride }).toEqual(DEFAULT_DIFFUSION_SETTINGS);
  });

  it('names the setting that cannot run', () => {
    const bad = (patch: object) => () =>
      validateDiffusionSettings({ ...DEFAULT_DIFFUSION_SETTINGS, ...patch });
    expect(bad({ stride: 0 })).toThrow(/stride/);
    expect(bad({ stride: 11 })).toThrow(/stride/);
    expect(bad({ occluder: 2.5 })).toThrow(/occluder/);
    expect(bad({ images: 0 })).toThrow(/images/);
    expect(bad({ fill: 'grey' })).toThrow(/fill/);
    expect(bad({})).not.toThrow();
  });
});
