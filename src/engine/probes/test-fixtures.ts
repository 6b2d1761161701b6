// Test-only helpers: real feature sets and scikit-learn/scipy reference results, made on demand into
// .cache/probes/ (gitignored): pixel and PCA sets by scripts/fixtures/sklearn_features.py, the features of
// embedded zoo models on demo datasets by `tlab embed`, the references by scripts/fixtures/sklearn_reference.py.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readNpy, toFloat32Matrix, toLabels, writeNpy } from '../../core/npy.ts';
import { randomValidationSplit } from '../../core/splits.ts';
import type { FeatureSet } from './linear.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const PYTHON = '/usr/bin/python3';
export const FEATURES_DIR = join(ROOT, '.cache/probes/features');
export const DEFAULT_FEATURE_SETS = ['digits-pixels', 'digits-pca', 'fashion-pca'];
/** What users of the lab probe: an embedded backbone's features on a demo dataset (models/, public/datasets/). */
export const MODEL_FEATURE_SETS = [
  { model: 'zoo-supervised-r10n', dataset: 'fashion-mnist-test' },
  { model: 'zoo-simclr-r10n', dataset: 'mnist' },
] as const;

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
 * Feature-set folders to test: the three pixel/PCA sets and the two embedded-model sets (each made if missing),
 * plus any extra folders named in TLAB_PROBE_FEATURE_SETS (colon-separated), each holding
 * {train,val,test}_{X,y}.npy.
 */
export function featureSetDirs(): string[] {
  const extra = (process.env.TLAB_PROBE_FEATURE_SETS ?? '').split(':').filter((s) => s.length > 0);
  return [
    ...pixelFeatureSetDirs(),
    ...MODEL_FEATURE_SETS.map(({ model, dataset }) => modelFeatureSet(model, dataset)),
    ...extra.map((p) => resolve(p)),
  ];
}

/** The pixel and PCA sets only (made by scikit-learn's script if missing). */
export function pixelFeatureSetDirs(): string[] {
  const missing = DEFAULT_FEATURE_SETS.filter((name) => !existsSync(join(FEATURES_DIR, name, 'test_y.npy')));
  if (missing.length > 0) runPython('sklearn_features.py', [FEATURES_DIR, ...missing]);
  return DEFAULT_FEATURE_SETS.map((name) => join(FEATURES_DIR, name));
}

/**
 * The features of an embedded model on a demo dataset, as `tlab embed` writes them (the lab's own path from
 * image files to features, on the wasm backend), split as the protocol splits such a dataset: its test folder
 * for test, and a seeded 20% of its train folder (core/splits.ts, seed 0) for validation. The folder name
 * carries the model's weights hash, so rebuilt weights make a new set.
 */
function modelFeatureSet(model: string, dataset: string): string {
  const card = JSON.parse(readFileSync(join(ROOT, 'models', model, 'card.json'), 'utf8')) as {
    weightsHash: string;
  };
  const dir = join(FEATURES_DIR, `${model}-${card.weightsHash.slice(0, 8)}-on-${dataset}`);
  if (existsSync(join(dir, 'test_y.npy'))) return dir;
  // Made in a folder of this process's own and renamed into place: test files run in parallel.
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  writeModelFeatureSet(model, dataset, tmp);
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another test file made it first
  }
  return dir;
}

function writeModelFeatureSet(model: string, dataset: string, dir: string): void {
  const all = join(dir, 'all_X.npy');
  const data = join(ROOT, 'public/datasets', dataset);
  const args = ['embed', '--model', model, '--data', data, '--out', all, '--no-cache'];
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/tlab.js'), ...args], {
    encoding: 'utf8',
    cwd: ROOT,
  });
  if (r.status !== 0) throw new Error(`tlab ${args.join(' ')} failed:\n${r.stderr}`);
  const { X, d } = toFloat32Matrix(readNpy(readFileSync(all)));
  // Paths are <split>/<class>/<file>: the class folders, sorted, are the labels.
  // tlab embed writes the row paths as JSON lines beside the features.
  const lines = readFileSync(`${all}.paths.jsonl`, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  const paths = lines.map((l) => JSON.parse(l) as string);
  const classes = [...new Set(paths.map((p) => p.split('/')[1]))].sort();
  const rowsOf = (split: string) => paths.flatMap((p, i) => (p.startsWith(`${split}/`) ? [i] : []));
  const trainRows = rowsOf('train');
  const { train, val } = randomValidationSplit(trainRows.length, 0.2, 0);
  const splits = {
    train: train.map((i) => trainRows[i]),
    val: val.map((i) => trainRows[i]),
    test: rowsOf('test'),
  };
  for (const [split, rows] of Object.entries(splits)) {
    const Xs = new Float32Array(rows.length * d);
    for (const [i, row] of rows.entries()) Xs.set(X.subarray(row * d, (row + 1) * d), i * d);
    const ys = Int32Array.from(rows, (row) => classes.indexOf(paths[row].split('/')[1]));
    writeFileSync(join(dir, `${split}_X.npy`), writeNpy(Xs, [rows.length, d]));
    writeFileSync(join(dir, `${split}_y.npy`), writeNpy(ys, [rows.length]));
  }
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
