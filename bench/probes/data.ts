// The benchmark's features on disk (Node only): seeded synthetic splits written once as .npy under
// .cache/bench-probes/n{N}-d{D}-k{K}/, the folder both our probe (Node or Chromium) and the reference read.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeNpy } from '../../src/core/npy.ts';
import { createRng, type Rng } from '../../src/core/rng.ts';
import type { FeatureSet } from '../../src/engine/probes/linear.ts';
import { loadSplits, SPLITS, type Splits } from './sweep.ts';

export const ROOT = resolve(import.meta.dirname, '../..');

function gaussian(rng: Rng): number {
  const u = Math.max(rng.nextFloat(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat());
}

/** Class means ~ N(0, 0.03²) per dim, samples = mean + N(0, 1): means ≈ 1.9σ apart over 2048 dims, not separable. */
function syntheticSplits(n: number, d: number, k: number, seed: number): Splits {
  const rng = createRng(seed);
  const means = Array.from({ length: k }, () => Float32Array.from({ length: d }, () => 0.03 * gaussian(rng)));
  const make = (count: number): FeatureSet => {
    const X = new Float32Array(count * d);
    const y = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      y[i] = rng.nextInt(k);
      for (let j = 0; j < d; j++) X[i * d + j] = means[y[i]][j] + gaussian(rng);
    }
    return { X, y, n: count, d };
  };
  return { train: make(n), val: make(Math.round(n / 5)), test: make(Math.round(n / 5)) };
}

/** The features' folder relative to the repository root (also their URL path on the Vite dev server). */
export function splitsDir(n: number, d: number, k: number): string {
  return `.cache/bench-probes/n${n}-d${d}-k${k}`;
}

/** Writes the seeded splits into `dir` (relative to the root) unless they are already there. */
export function ensureSplits(dir: string, n: number, d: number, k: number): void {
  const abs = join(ROOT, dir);
  if (existsSync(join(abs, 'test_y.npy'))) return;
  mkdirSync(abs, { recursive: true });
  const splits = syntheticSplits(n, d, k, 1234);
  for (const name of SPLITS) {
    const s = splits[name];
    writeFileSync(join(abs, `${name}_X.npy`), writeNpy(s.X, [s.n, s.d]));
    writeFileSync(join(abs, `${name}_y.npy`), writeNpy(s.y, [s.n]));
  }
}

/** The splits as the reference reads them: from the .npy files in `dir`. */
export function readSplits(dir: string): Promise<Splits> {
  return loadSplits(async (file) => readFileSync(join(ROOT, dir, file)));
}
