// Test-only helpers: real feature sets and scikit-learn/scipy reference results, made on demand by
// scripts/fixtures/sklearn_features.py and sklearn_reference.py into .cache/probes/ (gitignored).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readNpy, toFloat32Matrix, toLabels } from '../../core/npy.ts';
import type { FeatureSet } from './linear.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const PYTHON = '/usr/bin/python3';
export const FEATURES_DIR = join(ROOT, '.cache/probes/features');
export const DEFAULT_FEATURE_SETS = ['digits-pixels', 'digits-pca', 'fashion-pca'];

/** Why the scikit-learn parity tests cannot run here, or null when they can. */
export function sklearnMissingReason(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import sklearn, scipy, numpy'], { encoding: 'utf8' });
  return r.status === 0
    ? null
    : `scikit-learn parity tests SKIPPED: ${PYTHON} cannot import sklearn/scipy (${(r.stderr || r.error?.message || '').trim().split('\n').pop()})`;
}

function runPython(script: string, args: string[]): void {
  const r = spawnSync(PYTHON, [join(ROOT, 'scripts/fixtures', script), ...args], {
    encoding: 'utf8',
    cwd: ROOT,
  });
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed:\n${r.stderr}`);
}

/**
 * Feature-set folders to test: the three built-in ones (made if missing), plus any extra folders named in
 * TLAB_PROBE_FEATURE_SETS (colon-separated), each holding {train,val,test}_{X,y}.npy.
 */
export function featureSetDirs(): string[] {
  const missing = DEFAULT_FEATURE_SETS.filter((name) => !existsSync(join(FEATURES_DIR, name, 'test_y.npy')));
  if (missing.length > 0) runPython('sklearn_features.py', [FEATURES_DIR, ...missing]);
  const extra = (process.env.TLAB_PROBE_FEATURE_SETS ?? '').split(':').filter((s) => s.length > 0);
  return [...DEFAULT_FEATURE_SETS.map((name) => join(FEATURES_DIR, name)), ...extra.map((p) => resolve(p))];
}

/** Runs sklearn_reference.py once per (dir, args) and caches its JSON next to the features. */
export function reference<T>(dir: string, tag: string, args: string[]): T {
  const out = join(dir, `ref-${tag}.json`);
  if (!existsSync(out)) runPython('sklearn_reference.py', [dir, ...args, '--out', out]);
  return JSON.parse(readFileSync(out, 'utf8')) as T;
}

export function loadSplit(dir: string, split: 'train' | 'val' | 'test'): FeatureSet {
  const m = toFloat32Matrix(readNpy(readFileSync(join(dir, `${split}_X.npy`))));
  return { ...m, y: toLabels(readNpy(readFileSync(join(dir, `${split}_y.npy`)))) };
}

export function classCount(...sets: FeatureSet[]): number {
  let max = 0;
  for (const s of sets) for (const v of s.y) max = Math.max(max, v);
  return max + 1;
}

export interface SweepReference {
  chosenC: number;
  chosenLog10C: number;
  testScore: number;
  objective: number;
  fits: { C: number; val: number; objective: number; iterations: number }[];
}

export interface SingleFitReference {
  C: number;
  objective: number;
  iterations: number;
  testTop1: number;
}
