// `tlab probe linear|fewshot|calibration`: the probes on precomputed features (.npy), without images or models.
// Useful to re-run the protocol on features from elsewhere (e.g. PyTorch) and for parity checks.

import { readFile, writeFile } from 'node:fs/promises';
import { pow10 } from '../../core/math/fdlibm.ts';
import { readNpy, toFloat32Matrix, toLabels } from '../../core/npy.ts';
import { checkFeatures, checkTwoClasses, remapLabels } from '../../core/probe-input.ts';
import type { BackendName, Progress } from '../../core/types.ts';
import { initBackend } from '../../engine/backend.ts';
import { calibrateByTestCv, calibrateOnValidation } from '../../engine/probes/calibration.ts';
import { fewShotProbe } from '../../engine/probes/fewshot.ts';
import { type FeatureSet, type LinearProbeResult, linearProbe } from '../../engine/probes/linear.ts';
import { type CliCommand, UsageError } from '../command.ts';

/** Flags and how many values each takes; '--train X.npy y.npy' takes two. */
export type FlagSpec = Record<string, number>;

export function parseFlags(argv: string[], spec: FlagSpec): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    if (!argv[i].startsWith('--') || !(name in spec)) throw new UsageError(`unknown argument '${argv[i]}'`);
    const values = argv.slice(i + 1, i + 1 + spec[name]);
    if (values.length !== spec[name] || values.some((v) => v.startsWith('--'))) {
      throw new UsageError(`--${name} needs ${spec[name]} value${spec[name] === 1 ? '' : 's'}`);
    }
    out.set(name, values);
    i += spec[name];
  }
  return out;
}

function intFlag(flags: Map<string, string[]>, name: string, fallback: number): number {
  const raw = flags.get(name)?.[0];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 0)
    throw new UsageError(`--${name} must be a non-negative integer, got '${raw}'`);
  return v;
}

function choiceFlag<T extends string>(
  flags: Map<string, string[]>,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const raw = flags.get(name)?.[0] ?? fallback;
  if (!choices.includes(raw as T))
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got '${raw}'`);
  return raw as T;
}

/** Labels from .npy integers, or a text file with one label per line (integers, or names mapped by `names`). */
async function readLabels(path: string, names: Map<string, number>): Promise<Int32Array> {
  const bytes = new Uint8Array(await readFile(path));
  if (path.endsWith('.npy')) return toLabels(readNpy(bytes));
  const lines = new TextDecoder()
    .decode(bytes)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (lines.every((l) => /^-?\d+$/.test(l))) return Int32Array.from(lines, Number);
  return Int32Array.from(lines, (l) => {
    if (!names.has(l)) names.set(l, names.size);
    return names.get(l)!;
  });
}

export async function readFeatureSet(
  paths: string[] | undefined,
  names: Map<string, number>,
  what: string,
): Promise<FeatureSet | null> {
  if (!paths) return null;
  const { X, n, d } = toFloat32Matrix(readNpy(new Uint8Array(await readFile(paths[0]))));
  const y = await readLabels(paths[1], names);
  if (y.length !== n)
    throw new UsageError(`${what}: ${paths[0]} has ${n} rows but ${paths[1]} has ${y.length} labels`);
  checkFeatures({ name: `${what} (${paths[0]})`, X, y, n, d });
  return { X, y, n, d };
}

/**
 * The sets with labels remapped to 0..K-1 (ascending original values), and the original value of each class:
 * labels 5, 17, 900 are three classes and fit exactly as 0, 1, 2 do. Text labels are already 0..K-1.
 */
export function remapped<T extends FeatureSet | null>(sets: T[]): { sets: T[]; original: number[] } {
  const present = sets.filter((s): s is NonNullable<T> => s !== null);
  const { labels, original } = remapLabels(present.map((s) => s.y));
  let next = 0;
  const out = sets.map((s) => (s === null ? s : { ...s, y: labels[next++] })) as T[];
  return { sets: out, original };
}

export function printProgress(p: Progress): void {
  const eta = p.etaSeconds === null ? '' : `, ~${Math.round(p.etaSeconds)} s left`;
  process.stderr.write(
    `\r${p.stage}: ${p.done}/${p.total}${eta} ${p.detail ?? ''}`.padEnd(100).slice(0, 100),
  );
  if (p.done === p.total) process.stderr.write('\n');
}

export async function startBackend(flags: Map<string, string[]>): Promise<BackendName> {
  const info = await initBackend(choiceFlag(flags, 'backend', ['wasm', 'cpu'] as const, 'wasm'));
  return info.name;
}

export async function writeJson(path: string | undefined, value: unknown): Promise<void> {
  if (path) await writeFile(path, `${JSON.stringify(value, null, 1)}\n`);
}

const LINEAR_FLAGS: FlagSpec = { train: 2, val: 2, test: 2, mode: 1, metric: 1, seed: 1, backend: 1, out: 1 };

const LINEAR_USAGE = `Usage: npx tlab probe linear --train X.npy y.npy [--val X.npy y.npy] --test X.npy y.npy [options]

  Features: float .npy, N × D, all finite. Labels: integer .npy, or a text file with one label per line;
  label values are mapped to classes 0..K-1 in ascending order (the JSON's "labels" lists them), so sparse
  labels such as 5, 17, 900 are 3 classes. Zero rows, NaN/Inf features or fewer than two classes in train
  or test end with an error that names the file and rows, and exit code 1.
  --mode <m>      paper (100 iterations, tol 1e-4, warm starts; default) or converged (1000, 1e-8, cold)
  --metric <m>    top1 (default) or mean-per-class
  --seed <n>      seed of the random 20% validation split when --val is absent (default 0)
  --backend <b>   wasm (default) or cpu
  --out <file>    write the result JSON (chosen C, validation scores per C, test score)`;

interface LinearInputs {
  train: FeatureSet;
  val: FeatureSet | null;
  test: FeatureSet;
  nClasses: number;
  classNames: string[] | null;
  /** labels[i]: the label value in the input files of class i (for integer labels). */
  labels: number[];
}

async function linearInputs(flags: Map<string, string[]>): Promise<LinearInputs> {
  if (!flags.has('train') || !flags.has('test')) throw new UsageError('--train and --test are required');
  const names = new Map<string, number>();
  const read = [
    await readFeatureSet(flags.get('train'), names, 'train'),
    await readFeatureSet(flags.get('val'), names, 'val'),
    await readFeatureSet(flags.get('test'), names, 'test'),
  ];
  const { sets, original } = remapped(read);
  const [train, val, test] = [sets[0]!, sets[1], sets[2]!];
  const classNames = names.size > 0 ? original.map((i) => [...names.keys()][i]) : null;
  checkTwoClasses(`train (${flags.get('train')![0]})`, train.y, original);
  checkTwoClasses(`test (${flags.get('test')![0]})`, test.y, original);
  return { train, val, test, nClasses: original.length, classNames, labels: original };
}

async function runLinear(flags: Map<string, string[]>, inputs: LinearInputs): Promise<LinearProbeResult> {
  return linearProbe(
    inputs.train,
    inputs.val,
    inputs.test,
    {
      mode: choiceFlag(flags, 'mode', ['paper', 'converged'] as const, 'paper'),
      metric: choiceFlag(flags, 'metric', ['top1', 'mean-per-class'] as const, 'top1'),
      nClasses: inputs.nClasses,
      seed: intFlag(flags, 'seed', 0),
    },
    { onProgress: printProgress },
  );
}

function linearSummary(r: LinearProbeResult, metric: string) {
  return {
    metric,
    testScore: r.testScore,
    chosenLog10C: r.chosenLog10C,
    chosenC: pow10(r.chosenLog10C),
    valScores: r.valScores,
    settings: r.settings,
    objective: r.objective,
    iterations: r.iterations,
    matMul: r.matMul,
    confusion: r.confusion,
  };
}

export const probeLinearCommand: CliCommand = {
  name: 'probe linear',
  summary: 'linear probe (L-BFGS logistic regression, C swept on validation) on .npy features',
  usage: LINEAR_USAGE,
  async run(argv) {
    const flags = parseFlags(argv, LINEAR_FLAGS);
    const backend = await startBackend(flags);
    const inputs = await linearInputs(flags);
    const metric = choiceFlag(flags, 'metric', ['top1', 'mean-per-class'] as const, 'top1');
    const r = await runLinear(flags, inputs);
    console.error(`products: ${r.matMul}`);
    console.log(
      `${metric} on test: ${(100 * r.testScore).toFixed(2)}%  (chosen log10 C = ${r.chosenLog10C.toFixed(2)}, best validation ${(100 * Math.max(...r.valScores)).toFixed(2)}%)`,
    );
    await writeJson(flags.get('out')?.[0], {
      command: 'probe linear',
      backend,
      nClasses: inputs.nClasses,
      classNames: inputs.classNames,
      labels: inputs.classNames ? undefined : inputs.labels,
      ...linearSummary(r, metric),
    });
    return 0;
  },
};

const FEWSHOT_FLAGS: FlagSpec = {
  features: 2,
  ways: 1,
  shots: 1,
  queries: 1,
  episodes: 1,
  seed: 1,
  backend: 1,
  out: 1,
};

const FEWSHOT_USAGE = `Usage: npx tlab probe fewshot --features X.npy y.npy [options]

  All splits pooled into one feature file. Prototypical nearest centroid, squared Euclidean distance.
  --ways <n>       classes per episode (default 5)
  --shots <list>   support images per class, comma-separated (default 5,20)
  --queries <n>    query images per class (default 15)
  --episodes <n>   episodes per shot setting (default 600)
  --seed <n>       episode seed (default 0)
  --backend <b>    wasm (default) or cpu
  --out <file>     write the result JSON (mean accuracy and 95% interval per shot setting)`;

export const probeFewshotCommand: CliCommand = {
  name: 'probe fewshot',
  summary: 'few-shot probe (nearest centroid over seeded episodes) on .npy features',
  usage: FEWSHOT_USAGE,
  async run(argv) {
    const flags = parseFlags(argv, FEWSHOT_FLAGS);
    if (!flags.has('features')) throw new UsageError('--features is required');
    const shots = (flags.get('shots')?.[0] ?? '5,20').split(',').map((s) => {
      const v = Number(s);
      if (!Number.isInteger(v) || v < 1)
        throw new UsageError(`--shots must be positive integers, got '${s}'`);
      return v;
    });
    const opts = {
      ways: intFlag(flags, 'ways', 5),
      shots,
      queries: intFlag(flags, 'queries', 15),
      episodes: intFlag(flags, 'episodes', 600),
      seed: intFlag(flags, 'seed', 0),
    };
    const backend = await startBackend(flags);
    const names = new Map<string, number>();
    const read = (await readFeatureSet(flags.get('features'), names, 'features'))!;
    const { sets, original } = remapped([read]);
    const all = sets[0];
    checkTwoClasses(`features (${flags.get('features')![0]})`, all.y, original);
    const results = await fewShotProbe(all, opts, { onProgress: printProgress });
    for (const r of results) {
      const skipped =
        r.classesSkipped.length > 0
          ? ` (skipped classes with too few images: ${r.classesSkipped.join(', ')})`
          : '';
      console.log(
        `${opts.ways}-way ${r.shots}-shot: ${(100 * r.mean).toFixed(2)}% ± ${(100 * r.ci95).toFixed(2)}  over ${r.episodes} episodes, ${r.classesUsed} classes${skipped}`,
      );
    }
    await writeJson(flags.get('out')?.[0], {
      command: 'probe fewshot',
      backend,
      settings: opts,
      classNames: names.size > 0 ? original.map((i) => [...names.keys()][i]) : null,
      labels: names.size > 0 ? undefined : original,
      results: results.map(({ episodeAccuracies: _, ...rest }) => rest),
    });
    return 0;
  },
};

const CALIBRATION_FLAGS: FlagSpec = { ...LINEAR_FLAGS, fit: 1, folds: 1 };

const CALIBRATION_USAGE = `Usage: npx tlab probe calibration --train X.npy y.npy [--val X.npy y.npy] --test X.npy y.npy [options]

  Runs the linear probe, then measures calibration of its test logits (ECE with 15 bins, NLL, Brier)
  before and after temperature scaling.
  --fit <where>   validation (default: T fitted on the validation logits) or test-cv (the paper's
                  5-fold cross-validation on test: fit on one fold, measure on the other four, average)
  --folds <n>     folds for test-cv (default 5)
  (plus every option of 'probe linear')`;

export const probeCalibrationCommand: CliCommand = {
  name: 'probe calibration',
  summary: 'linear probe + expected calibration error before/after temperature scaling, on .npy features',
  usage: CALIBRATION_USAGE,
  async run(argv) {
    const flags = parseFlags(argv, CALIBRATION_FLAGS);
    const backend = await startBackend(flags);
    const inputs = await linearInputs(flags);
    const fit = choiceFlag(flags, 'fit', ['validation', 'test-cv'] as const, 'validation');
    const r = await runLinear(flags, inputs);
    const k = inputs.nClasses;
    const test = { logits: r.testLogits, labels: inputs.test.y };
    const report =
      fit === 'validation'
        ? calibrateOnValidation(test, { logits: r.valLogits!, labels: r.valLabels! }, k)
        : calibrateByTestCv(test, k, intFlag(flags, 'folds', 5), intFlag(flags, 'seed', 0));
    const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
    console.log(`T = ${report.temperature.toFixed(4)} (fitted on ${fit})`);
    if (report.degenerateFits > 0) {
      console.warn(
        `warning: ${report.degenerateFits} temperature fit(s) saw only correct predictions, so NLL has no minimum there (T hit its 1e-3 bound); the scaled numbers are not meaningful. Use --fit validation or more test images.`,
      );
    }
    console.log(
      `ECE ${pct(report.before.ece)} → ${pct(report.after.ece)}   NLL ${report.before.nll.toFixed(4)} → ${report.after.nll.toFixed(4)}   Brier ${report.before.brier.toFixed(4)} → ${report.after.brier.toFixed(4)}`,
    );
    await writeJson(flags.get('out')?.[0], {
      command: 'probe calibration',
      backend,
      linear: linearSummary(r, choiceFlag(flags, 'metric', ['top1', 'mean-per-class'] as const, 'top1')),
      calibration: report,
    });
    return 0;
  },
};

export const probeCommands: CliCommand[] = [probeLinearCommand, probeFewshotCommand, probeCalibrationCommand];
