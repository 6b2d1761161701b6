// Linear-probe benchmark: our paper-mode sweep (tfjs, wasm backend) against the scikit-learn 0.22-semantics
// reference (scipy L-BFGS-B on numpy float64, scripts/fixtures/sklearn_reference.py), on the same seeded
// synthetic features: class means + Gaussian noise, N train (+ 20% as many val, + 20% test), D dims, K classes.
//
//   npx tsx bench/probes/bench.ts [--n 10000] [--d 2048] [--classes 10,100] [--fits 45] [--backend wasm]
//
// --fits < 45 times only `fits` values of the sweep from index --start (both sides, same warm starts from
// zeros at the first; no final fit) so the comparison fits a shared machine; the output says which it is.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { argmaxRows, top1Accuracy } from '../../src/core/metrics/classification.ts';
import { writeNpy } from '../../src/core/npy.ts';
import { createRng, type Rng } from '../../src/core/rng.ts';
import type { BackendName } from '../../src/core/types.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { type FeatureSet, linearProbe, MODE_SETTINGS, sweepC } from '../../src/engine/probes/linear.ts';
import { LogRegProblem, predictLogits } from '../../src/engine/probes/logreg.ts';

const ROOT = resolve(import.meta.dirname, '../..');

function gaussian(rng: Rng): number {
  const u = Math.max(rng.nextFloat(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat());
}

/** Class means ~ N(0, 0.03²) per dim, samples = mean + N(0, 1): means ≈ 1.9σ apart over 2048 dims, not separable. */
function syntheticSplits(
  n: number,
  d: number,
  k: number,
  seed: number,
): Record<'train' | 'val' | 'test', FeatureSet> {
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

function writeSplits(dir: string, splits: Record<string, FeatureSet>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, s] of Object.entries(splits)) {
    writeFileSync(join(dir, `${name}_X.npy`), writeNpy(s.X, [s.n, s.d]));
    writeFileSync(join(dir, `${name}_y.npy`), writeNpy(s.y, [s.n]));
  }
}

interface SideResult {
  seconds: number;
  valScores: number[];
  testScore: number | null;
  iterations: number[];
}

async function ours(
  splits: Record<'train' | 'val' | 'test', FeatureSet>,
  k: number,
  fits: number,
  start: number,
): Promise<SideResult> {
  const t0 = performance.now();
  if (fits >= 45 && start === 0) {
    const r = await linearProbe(splits.train, splits.val, splits.test, {
      mode: 'paper',
      metric: 'top1',
      nClasses: k,
      seed: 0,
    });
    return {
      seconds: (performance.now() - t0) / 1000,
      valScores: r.valScores,
      testScore: r.testScore,
      iterations: [],
    };
  }
  // Partial sweep: the probe's own fit loop (same warm starts), first `fits` C values only.
  const problem = new LogRegProblem(splits.train, k);
  const valScores: number[] = [];
  const iterations: number[] = [];
  let w: Float64Array | undefined;
  try {
    for (const C of sweepC().slice(start, start + fits)) {
      const fit = await problem.fit(C, {
        maxIter: MODE_SETTINGS.paper.maxIter,
        tol: MODE_SETTINGS.paper.tol,
        init: w,
      });
      w = fit.weights;
      iterations.push(fit.iterations);
      const logits = await predictLogits(w, splits.val.X, splits.val.n, splits.val.d, k);
      valScores.push(top1Accuracy(argmaxRows(logits, splits.val.n, k), splits.val.y));
    }
  } finally {
    problem.dispose();
  }
  return { seconds: (performance.now() - t0) / 1000, valScores, testScore: null, iterations };
}

function reference(dir: string, fits: number, start: number): SideResult {
  const out = join(dir, `ref-paper-start${start}-fits${fits}.json`);
  const r = spawnSync(
    '/usr/bin/python3',
    [
      join(ROOT, 'scripts/fixtures/sklearn_reference.py'),
      dir,
      '--mode',
      'paper',
      '--max-fits',
      String(fits),
      '--start',
      String(start),
      '--out',
      out,
    ],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`sklearn_reference.py failed:\n${r.stderr}`);
  const j = JSON.parse(readFileSync(out, 'utf8')) as {
    seconds: number;
    fits: { val: number; iterations: number }[];
    testScore?: number;
  };
  return {
    seconds: j.seconds,
    valScores: j.fits.map((f) => f.val),
    testScore: j.testScore ?? null,
    iterations: j.fits.map((f) => f.iterations),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '10000' },
      d: { type: 'string', default: '2048' },
      classes: { type: 'string', default: '10,100' },
      fits: { type: 'string', default: '45' },
      start: { type: 'string', default: '0' },
      backend: { type: 'string', default: 'wasm' },
    },
  });
  const [n, d, start] = [Number(values.n), Number(values.d), Number(values.start)];
  const fits = Math.min(45 - start, Number(values.fits));
  const backend = await initBackend(values.backend as BackendName);
  console.log(
    `# linear probe bench: N=${n} train (+${n / 5} val, +${n / 5} test), D=${d}, paper mode, ${fits === 45 ? 'full 45-value sweep + final fit' : `sweep values ${start}..${start + fits - 1} of 0..44 only (from C = ${sweepC()[start].toPrecision(3)}, zeros start)`}`,
  );
  console.log(
    `# ${new Date().toISOString()}  ${cpus()[0]?.model} ×${cpus().length}  node ${process.version}  backend ${backend.name} (${backend.threads} thread)`,
  );
  for (const k of values.classes!.split(',').map(Number)) {
    const dir = join(ROOT, `.cache/bench-probes/n${n}-d${d}-k${k}`);
    const splits = syntheticSplits(n, d, k, 1234);
    if (!existsSync(join(dir, 'test_y.npy'))) writeSplits(dir, splits);
    const a = await ours(splits, k, fits, start);
    const b = reference(dir, fits, start);
    const fmt = (s: SideResult) =>
      `${s.seconds.toFixed(1)} s; val ${s.valScores.map((v) => (100 * v).toFixed(2)).join('/')}${s.testScore === null ? '' : `; test ${(100 * s.testScore).toFixed(2)}%`}${s.iterations.length ? `; iters ${s.iterations.join('/')}` : ''}`;
    console.log(`K=${k}  ours (tfjs ${backend.name}): ${fmt(a)}`);
    console.log(`K=${k}  sklearn-0.22 reference (scipy/numpy float64): ${fmt(b)}`);
    console.log(`K=${k}  time ratio ours/reference: ${(a.seconds / b.seconds).toFixed(2)}`);
  }
}

await main();
