import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { smallRecord } from '../record/fixtures.ts';
import { validateRecord } from '../record/validate.ts';
import { createRng, type Rng } from '../rng.ts';
import type { RgbImage } from '../types.ts';
import { type ColourSet, colourReadout } from './readout.ts';
import { colourReliance, type LinearClassifier } from './reliance.ts';
import { RidgeProblem, ridgePredict } from './ridge.ts';
import {
  colourReadoutScore,
  colourRelianceScore,
  readoutRowsFromRecord,
  relianceRowsFromRecord,
} from './scores.ts';
import { meanCosine } from './similarity.ts';
import {
  COLOUR_TARGET_SIZE,
  colourTargetMatrix,
  colourTargets,
  colourTargetsOfModelInput,
  toGreyscaleRgb,
} from './targets.ts';

/** A seeded 8×8 image: a random base colour per image plus per-pixel noise, so histograms vary too. */
function randomImage(rng: Rng, size = 8): RgbImage {
  const base = [rng.nextInt(256), rng.nextInt(256), rng.nextInt(256)];
  const data = new Uint8Array(size * size * 3);
  for (let p = 0; p < data.length; p++) {
    data[p] = Math.max(0, Math.min(255, base[p % 3] + rng.nextInt(81) - 40));
  }
  return { data, width: size, height: size };
}

function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.nextFloat())) * Math.cos(2 * Math.PI * rng.nextFloat());
}

/** A colour set whose features are `featuresOf(image)`. */
function makeSet(
  images: RgbImage[],
  d: number,
  featuresOf: (img: RgbImage, i: number) => number[],
): ColourSet {
  const X = new Float64Array(images.length * d);
  images.forEach((img, i) => {
    X.set(featuresOf(img, i), i * d);
  });
  return { X, n: images.length, d, targets: colourTargetMatrix(images) };
}

describe('colourTargets', () => {
  it('gives mean R, G, B on the 0–255 scale and a 4×4×4 joint histogram of pixel fractions', () => {
    // Two pixels: (0, 64, 255) → cell 0·16 + 1·4 + 3 = 7; (200, 10, 130) → 3·16 + 0·4 + 2 = 50.
    const t = colourTargets({ data: Uint8Array.from([0, 64, 255, 200, 10, 130]), width: 2, height: 1 });
    expect(t.meanRgb).toEqual([100, 37, 192.5]);
    expect(t.hist.length).toBe(64);
    expect(t.hist[7]).toBe(0.5);
    expect(t.hist[50]).toBe(0.5);
    expect(t.hist.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('can describe the model input: resized and centre-cropped pixels', () => {
    // Left half red, right half blue, 64×32: the 32×32 centre crop after resizing the short side to 16 keeps
    // both halves equally; a constant image stays constant through bicubic resizing.
    const data = new Uint8Array(64 * 32 * 3);
    for (let p = 0; p < 64 * 32; p++) data[p * 3 + (p % 64 < 32 ? 0 : 2)] = 200;
    const rule = { mode: 'shorter-side', resize: 16, crop: 16, interpolation: 'bicubic' } as const;
    const t = colourTargetsOfModelInput({ data, width: 64, height: 32 }, rule);
    expect(t.meanRgb[1]).toBe(0);
    expect(t.meanRgb[0]).toBeCloseTo(t.meanRgb[2], 6);
    const flat = colourTargetsOfModelInput(
      { data: new Uint8Array(40 * 30 * 3).fill(77), width: 40, height: 30 },
      rule,
    );
    expect(flat.meanRgb).toEqual([77, 77, 77]);
  });

  it('refuses an image whose byte count does not match its size', () => {
    expect(() => colourTargets({ data: new Uint8Array(5), width: 2, height: 1 })).toThrow(/needs 6 bytes/);
  });
});

const PYTHON = '/usr/bin/python3';
const pilMissing = spawnSync(PYTHON, ['-c', 'import PIL, numpy'], { encoding: 'utf8' }).status !== 0;
if (pilMissing) console.warn(`\n!!! PIL greyscale parity SKIPPED: ${PYTHON} cannot import PIL and numpy\n`);

/** PIL's convert('L') of an image holding every one of the 2^24 colours once (made on demand, cached). */
function pilGreyOfAllColours(): Uint8Array {
  const dir = resolve(import.meta.dirname, '../../../.cache/fixtures/colour');
  const file = join(dir, 'pil-L-all-colours.bin');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const script = [
      'import numpy as np, sys',
      'from PIL import Image',
      'i = np.arange(1 << 24, dtype=np.uint32)',
      'rgb = np.stack([(i >> 16) & 255, (i >> 8) & 255, i & 255], axis=1).astype(np.uint8)',
      "Image.frombytes('RGB', (4096, 4096), rgb.tobytes()).convert('L').save(sys.argv[1] + '.png')",
      "open(sys.argv[1], 'wb').write(np.asarray(Image.open(sys.argv[1] + '.png')).tobytes())",
    ].join('\n');
    const r = spawnSync(PYTHON, ['-c', script, file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`PIL fixture failed: ${r.stderr}`);
  }
  return new Uint8Array(readFileSync(file));
}

describe('toGreyscaleRgb', () => {
  it('applies L = R·299/1000 + G·587/1000 + B·114/1000, rounded, on all three channels', () => {
    const grey = toGreyscaleRgb({
      data: Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]),
      width: 4,
      height: 1,
    });
    // 76.245 → 76, 149.685 → 150, 29.07 → 29, 2.99 + 11.74 + 3.42 = 18.15 → 18
    expect([...grey.data]).toEqual([76, 76, 76, 150, 150, 150, 29, 29, 29, 18, 18, 18]);
  });

  it('leaves grey pixels unchanged (so greyscale is idempotent)', () => {
    const data = Uint8Array.from({ length: 256 * 3 }, (_, i) => Math.floor(i / 3));
    expect(toGreyscaleRgb({ data, width: 256, height: 1 }).data).toEqual(data);
  });

  it.skipIf(pilMissing)('equals PIL convert("L") on every one of the 2^24 colours', () => {
    const expected = pilGreyOfAllColours();
    const all = new Uint8Array(3 << 24);
    for (let i = 0; i < 1 << 24; i++) {
      all[3 * i] = i >>> 16;
      all[3 * i + 1] = (i >>> 8) & 255;
      all[3 * i + 2] = i & 255;
    }
    const ours = toGreyscaleRgb({ data: all, width: 4096, height: 4096 }).data;
    let mismatches = 0;
    for (let i = 0; i < 1 << 24; i++) if (ours[3 * i] !== expected[i]) mismatches++;
    expect(expected.length).toBe(1 << 24);
    expect(mismatches).toBe(0);
  });
});

describe('ridge regression', () => {
  /** Optimality of min ‖Y − XW − 1bᵀ‖² + λ‖W‖²: residuals sum to 0 per target and XᵀR = λW. */
  function maxOptimalityGap(n: number, d: number, t: number, seed: number, lambda: number): number {
    const rng = createRng(seed);
    const X = Float64Array.from({ length: n * d }, () => gaussian(rng) + 3);
    const Y = Float64Array.from({ length: n * t }, () => gaussian(rng) * 10);
    const model = new RidgeProblem({ data: X, rows: n, cols: d }, { data: Y, rows: n, cols: t }).fit(lambda);
    const pred = ridgePredict(model, { data: X, rows: n, cols: d });
    let gap = 0;
    for (let k = 0; k < t; k++) {
      let sumR = 0;
      for (let i = 0; i < n; i++) sumR += Y[i * t + k] - pred[i * t + k];
      gap = Math.max(gap, Math.abs(sumR));
      for (let j = 0; j < d; j++) {
        let xr = 0;
        for (let i = 0; i < n; i++) xr += X[i * d + j] * (Y[i * t + k] - pred[i * t + k]);
        gap = Math.max(gap, Math.abs(xr - lambda * model.W[j * t + k]));
      }
    }
    return gap;
  }

  it('solves the normal equations in the primal form (more samples than features)', () => {
    expect(maxOptimalityGap(40, 7, 3, 1, 0.5)).toBeLessThan(1e-8);
  });

  it('solves the same problem in the dual form (more features than samples)', () => {
    expect(maxOptimalityGap(9, 30, 4, 2, 0.5)).toBeLessThan(1e-8);
  });

  it('primal and dual give the same coefficients when both apply', () => {
    const rng = createRng(3);
    const n = 12;
    const X = Float64Array.from({ length: n * 12 }, () => gaussian(rng));
    const Y = Float64Array.from({ length: n * 2 }, () => gaussian(rng));
    // 12 × 12 uses the primal form; the same data with one zero column added (13 features) uses the dual.
    const X13 = new Float64Array(n * 13);
    for (let i = 0; i < n; i++) X13.set(X.subarray(i * 12, (i + 1) * 12), i * 13);
    const primal = new RidgeProblem({ data: X, rows: n, cols: 12 }, { data: Y, rows: n, cols: 2 }).fit(0.3);
    const dual = new RidgeProblem({ data: X13, rows: n, cols: 13 }, { data: Y, rows: n, cols: 2 }).fit(0.3);
    for (let j = 0; j < 12 * 2; j++) expect(dual.W[j]).toBeCloseTo(primal.W[j], 10);
    expect(dual.W[24]).toBeCloseTo(0, 12);
    expect(dual.W[25]).toBeCloseTo(0, 12);
    for (let k = 0; k < 2; k++) expect(dual.b[k]).toBeCloseTo(primal.b[k], 10);
  });
});

describe('colourReadout on constructed features', () => {
  const rng = createRng(42);
  const images = Array.from({ length: 400 }, () => randomImage(rng));
  const [train, val, test] = [images.slice(0, 240), images.slice(240, 320), images.slice(320)];
  const mix = Array.from({ length: 16 * 3 }, () => gaussian(rng));

  it('reads mean R, G, B back with R² ≈ 1 from features that encode it linearly', () => {
    const encode = (img: RgbImage) => {
      const m = colourTargets(img).meanRgb;
      return Array.from(
        { length: 16 },
        (_, j) => mix[j * 3] * m[0] + mix[j * 3 + 1] * m[1] + mix[j * 3 + 2] * m[2],
      );
    };
    const r = colourReadout(makeSet(train, 16, encode), makeSet(val, 16, encode), makeSet(test, 16, encode));
    console.log(`linear encoding: R² mean ${r.r2Mean.toFixed(6)}, hist ${r.r2Hist.toFixed(3)}, RMSE`, r.rmse);
    expect(r.r2Mean).toBeGreaterThan(0.9999);
    for (const c of ['r', 'g', 'b'] as const) {
      expect(r.r2PerChannel[c]).toBeGreaterThan(0.9999);
      expect(r.rmse[c]).toBeLessThan(0.5);
    }
    // The histogram is only partly a linear function of the means.
    expect(r.r2Hist).toBeGreaterThan(0);
    expect(r.r2Hist).toBeLessThan(0.9);
  });

  it('reads the joint histogram back with R² ≈ 1 from features that contain it', () => {
    const encode = (img: RgbImage) => [...colourTargets(img).hist].map((v, j) => v * (j + 1));
    const r = colourReadout(makeSet(train, 64, encode), makeSet(val, 64, encode), makeSet(test, 64, encode));
    expect(r.r2Hist).toBeGreaterThan(0.9999);
  });

  it('finds R² ≈ 0 for colour statistics from features blind to colour', () => {
    const noise = createRng(7);
    const blind = () => Array.from({ length: 16 }, () => gaussian(noise));
    const r = colourReadout(makeSet(train, 16, blind), makeSet(val, 16, blind), makeSet(test, 16, blind));
    console.log(`blind features: R² mean ${r.r2Mean.toFixed(4)}, hist ${r.r2Hist.toFixed(4)}, λ`, r.lambda);
    expect(Math.abs(r.r2Mean)).toBeLessThan(0.05);
    expect(Math.abs(r.r2Hist)).toBeLessThan(0.05);
    for (const c of ['r', 'g', 'b'] as const) expect(r.rmse[c]).toBeGreaterThan(50); // ≈ the spread of the means
  });

  it('holds out a seeded 20% of train when there is no validation split', () => {
    const encode = (img: RgbImage) => [...colourTargets(img).meanRgb, 1];
    const a = colourReadout(makeSet(train, 4, encode), null, makeSet(test, 4, encode), { seed: 5 });
    const b = colourReadout(makeSet(train, 4, encode), null, makeSet(test, 4, encode), { seed: 5 });
    expect(a).toEqual(b);
    expect(a.r2Mean).toBeGreaterThan(0.9999);
    expect(a.validation.log10Relative.length).toBe(a.validation.r2Mean.length);
  });

  it('checks shapes', () => {
    const bad: ColourSet = {
      X: new Float64Array(5),
      n: 2,
      d: 3,
      targets: new Float64Array(2 * COLOUR_TARGET_SIZE),
    };
    expect(() => colourReadout(bad, null, bad)).toThrow(/X needs 2×3/);
  });
});

describe('colour reliance', () => {
  const rng = createRng(11);
  const images = Array.from({ length: 30 }, () => randomImage(rng));

  it('greyscale-invariant features have cosine similarity exactly 1', () => {
    // Features of the greyscale version only: a luma histogram; grey(grey(x)) = grey(x).
    const lumaHist = (img: RgbImage) => colourTargets(toGreyscaleRgb(img)).hist;
    const d = 64;
    const colour = new Float64Array(images.length * d);
    const grey = new Float64Array(images.length * d);
    images.forEach((img, i) => {
      colour.set(lumaHist(img), i * d);
      grey.set(lumaHist(toGreyscaleRgb(img)), i * d);
    });
    expect(meanCosine(colour, grey, images.length, d)).toBe(1);
  });

  it('mean RGB features change direction when colour goes; a hue classifier drops to chance', () => {
    // Features: mean R, G, B centred at 128. Labels: which channel is largest. Classifier: the identity.
    const d = 3;
    const feats = (img: RgbImage) => colourTargets(img).meanRgb.map((v) => v - 128);
    const colour = new Float64Array(images.length * d);
    const grey = new Float64Array(images.length * d);
    const labels = new Int32Array(images.length);
    images.forEach((img, i) => {
      const f = feats(img);
      colour.set(f, i * d);
      grey.set(feats(toGreyscaleRgb(img)), i * d);
      labels[i] = f.indexOf(Math.max(...f));
    });
    const clf: LinearClassifier = {
      weights: Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]),
      classes: 3,
    };
    const r = colourReliance(clf, { colour, grey, labels, n: images.length, d });
    // Grey features are equal across channels (up to the rounding of L): argmax picks whichever is largest.
    const expectedGrey =
      labels.filter((l, i) => {
        const g = [...grey.subarray(i * 3, i * 3 + 3)];
        return g.indexOf(Math.max(...g)) === l;
      }).length / images.length;
    expect(r.accuracyColour).toBe(1);
    expect(r.accuracyGrey).toBeCloseTo(expectedGrey, 12);
    expect(r.drop).toBeCloseTo(1 - expectedGrey, 12);
    expect(r.meanCosine).toBeLessThan(0.99);
    expect(r.meanCosine).toBeGreaterThan(-1);
  });

  it('meanCosine: parallel rows give 1, opposite −1, orthogonal 0, zero rows by convention', () => {
    const A = Float64Array.from([1, 2, 1, 0, 3, 0, 0, 0]);
    const B = Float64Array.from([2, 4, -1, 0, 0, 5, 0, 0]);
    // rows: parallel (1), opposite (−1), orthogonal (0), both zero (1) → mean 0.25
    expect(meanCosine(A, B, 4, 2)).toBe(0.25);
  });
});

describe('colour scores in a ResultRecord', () => {
  it('round-trip through validateRecord and back into chart rows', () => {
    const readout = {
      r2Mean: 0.8,
      r2PerChannel: { r: 0.9, g: 0.8, b: 0.7 },
      r2Hist: 0.5,
      rmse: { r: 11, g: 12, b: 13 },
      lambda: { meanRgb: 100, hist: 1000 },
      validation: { log10Relative: [], r2Mean: [], r2Hist: [] },
    };
    const reliance = { accuracyColour: 0.9, accuracyGrey: 0.7, drop: 0.2, meanCosine: 0.95 };
    const record = smallRecord();
    record.scores.push(
      colourReadoutScore('sup', 'pets', readout),
      colourRelianceScore('sup', 'pets', reliance),
    );
    const back = validateRecord(JSON.parse(JSON.stringify(record)));
    const [row] = readoutRowsFromRecord(back);
    expect(row.label).toBe('Supervised · pets');
    expect(row.result.r2PerChannel).toEqual(readout.r2PerChannel);
    expect(row.result.lambda.hist).toBeCloseTo(1000, 9);
    expect(relianceRowsFromRecord(back)).toEqual([{ label: 'Supervised · pets', result: reliance }]);
  });
});
