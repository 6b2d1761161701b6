// `tlab probe knn`: DINO's weighted kNN classifier on precomputed features (.npy), like `probe linear`.

import { headlineK, KNN_DEFAULTS, validateKnn } from '../../core/probes/descriptors/knn.ts';
import { nonFiniteRows } from '../../core/probes/feature-table.ts';
import { nameList, trainTestProblem } from '../../core/probes/preconditions.ts';
import { positiveIntegerList, SettingsError } from '../../core/probes/settings.ts';
import { knnProbe } from '../../engine/probes/knn.ts';
import type { FeatureSet } from '../../engine/probes/linear.ts';
import { type CliCommand, UsageError } from '../command.ts';
import {
  type FlagSpec,
  parseFlags,
  printProgress,
  readFeatureSet,
  remapped,
  startBackend,
  writeJson,
} from './probe.ts';

const KNN_FLAGS: FlagSpec = { train: 2, test: 2, k: 1, temperature: 1, backend: 1, out: 1 };

const KNN_USAGE = `Usage: npx tlab probe knn --train X.npy y.npy --test X.npy y.npy [options]

  DINO's kNN (eval_knn.py): L2-normalised features, cosine similarity, the k most similar training images
  vote with weights exp(sim / T); ties broken by training row, then by class index (docs/probes.md).
  Features: float .npy, N × D. Labels: integer .npy, or a text file with one label per line.
  --k <list>           neighbour counts (default ${KNN_DEFAULTS.k.join(',')}; each capped at the train size)
  --temperature <T>    vote temperature (default ${KNN_DEFAULTS.temperature})
  --backend <b>        wasm (default) or cpu
  --out <file>         write the result JSON: testScore (top-1 at k = 20, else the first k) and the curve`;

function parseKnn(flags: Map<string, string[]>) {
  try {
    const raw = flags.get('k')?.[0];
    const k = raw === undefined ? KNN_DEFAULTS.k : positiveIntegerList(raw, '--k');
    const temperature = Number(flags.get('temperature')?.[0] ?? KNN_DEFAULTS.temperature);
    const problems = validateKnn({ k, temperature });
    if (problems.length > 0) throw new UsageError(problems.join('; '));
    return { k, temperature };
  } catch (e) {
    if (e instanceof SettingsError) throw new UsageError(e.message);
    throw e;
  }
}

/** Refuses inputs whose score would mean nothing: rows of NaN/Inf (named), one class, an empty split. */
function checkInputs(train: FeatureSet, test: FeatureSet, paths: { train: string; test: string }): void {
  for (const [set, path] of [
    [train, paths.train],
    [test, paths.test],
  ] as const) {
    const bad = nonFiniteRows(set.X, set.d);
    if (bad.length > 0)
      throw new UsageError(
        `${path}: ${bad.length} row(s) are not finite (NaN or ±Inf): rows ${nameList(bad.map(String))}`,
      );
  }
  const problem = trainTestProblem({
    classNames: [],
    train: train.y,
    test: test.y,
    pool: train.y,
    nonFinite: [],
  });
  if (problem) throw new UsageError(`kNN not computed: ${problem}`);
  if (train.d !== test.d) throw new UsageError(`train has ${train.d} features per row, test ${test.d}`);
}

export const probeKnnCommand: CliCommand = {
  name: 'probe knn',
  summary: "kNN probe (DINO's weighted vote, cosine similarity, k = 10/20/100/200) on .npy features",
  usage: KNN_USAGE,
  async run(argv) {
    const flags = parseFlags(argv, KNN_FLAGS);
    if (!flags.has('train') || !flags.has('test')) throw new UsageError('--train and --test are required');
    const opts = parseKnn(flags);
    const backend = await startBackend(flags);
    const names = new Map<string, number>();
    // Labels remapped to 0..K-1 (5, 17, 900 are three classes), as `probe linear` does; the output keeps them.
    const { sets, original } = remapped([
      (await readFeatureSet(flags.get('train'), names, 'train'))!,
      (await readFeatureSet(flags.get('test'), names, 'test'))!,
    ]);
    const [train, test] = sets;
    checkInputs(train, test, { train: flags.get('train')![0], test: flags.get('test')![0] });
    const nClasses = original.length;
    const r = await knnProbe(train, test, { ...opts, nClasses }, { onProgress: printProgress });
    const headline = headlineK(r.k);
    const testScore = r.accuracy[r.k.indexOf(headline)];
    console.error(`products: ${r.matMul}`);
    r.k.forEach((k, i) => {
      const capped = r.kUsed[i] < k ? ` (capped at the train size, ${r.kUsed[i]})` : '';
      console.log(`k = ${k}${capped}: top-1 ${(100 * r.accuracy[i]).toFixed(2)}%`);
    });
    await writeJson(flags.get('out')?.[0], {
      command: 'probe knn',
      backend,
      nClasses,
      classNames: names.size > 0 ? original.map((i) => [...names.keys()][i]) : null,
      labels: original,
      metric: 'top1',
      k: headline,
      testScore,
      temperature: opts.temperature,
      curve: r.k.map((k, i) => ({ k, kUsed: r.kUsed[i], top1: r.accuracy[i] })),
      trainSize: train.n,
      matMul: r.matMul,
    });
    return 0;
  },
};
