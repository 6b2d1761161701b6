// Our side of the linear-probe benchmark, shared by the Node run and the Chromium worker so both run the
// identical code: the .npy splits parsed from bytes, then the full paper-mode probe or a partial sweep, timed
// around the probe only. No Node or DOM APIs here.

import { argmaxRows, top1Accuracy } from '../../src/core/metrics/classification.ts';
import { readNpy, toFloat32Matrix, toLabels } from '../../src/core/npy.ts';
import type { BackendName } from '../../src/core/types.ts';
import type { BackendInfo } from '../../src/engine/backend.ts';
import type { MatMulRoute } from '../../src/engine/probes/device-matrix.ts';
import { type FeatureSet, linearProbe, MODE_SETTINGS, sweepC } from '../../src/engine/probes/linear.ts';
import { LogRegProblem, predictLogits } from '../../src/engine/probes/logreg.ts';

export const SPLITS = ['train', 'val', 'test'] as const;
export type Splits = Record<(typeof SPLITS)[number], FeatureSet>;

export interface SideResult {
  seconds: number;
  valScores: number[];
  testScore: number | null;
  iterations: number[];
  /** Where the products ran (LinearProbeResult.matMul). */
  matMul: string;
}

/** What the Chromium page asks its worker to run (the page gets it from its URL query). */
export interface ChromiumRequest {
  /** Features folder, relative to the repository root = URL path on the dev server. */
  dir: string;
  k: number;
  fits: number;
  start: number;
  backend: BackendName;
  matMul: MatMulRoute;
}

export type ChromiumResult =
  | (SideResult & { backend: BackendInfo; crossOriginIsolated: boolean; loadSeconds: number })
  | { error: string };

/** Parses {train,val,test}_{X,y}.npy, read as bytes by `read` (a file name in, its bytes out). */
export async function loadSplits(read: (file: string) => Promise<Uint8Array>): Promise<Splits> {
  const out: Partial<Splits> = {};
  for (const name of SPLITS) {
    const { X, n, d } = toFloat32Matrix(readNpy(await read(`${name}_X.npy`)));
    out[name] = { X, y: toLabels(readNpy(await read(`${name}_y.npy`))), n, d };
  }
  return out as Splits;
}

/**
 * The full paper-mode `linearProbe` when `fits` is 45 from `start` 0; otherwise only sweep values
 * start..start+fits-1, fitted by the probe's own fit loop (same warm starts, from zeros at the first; no final fit).
 */
export async function runOurs(splits: Splits, k: number, fits: number, start: number): Promise<SideResult> {
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
      matMul: r.matMul,
    };
  }
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
    return {
      seconds: (performance.now() - t0) / 1000,
      valScores,
      testScore: null,
      iterations,
      matMul: await problem.route(),
    };
  } finally {
    problem.dispose();
  }
}
