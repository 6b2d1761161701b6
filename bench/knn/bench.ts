// kNN probe speed: 10,000 train × 10,000 test images of 2,048 features (100 classes, seeded clusters), the
// lab's kNN (similarities on the wasm GEMM, Node) against numpy brute force (OpenBLAS float32 products) on the
// same data in the same run; accuracies printed side by side as a sanity check.
//
//   npx tsx bench/knn/bench.ts [--n 10000] [--d 2048] [--classes 100] [--reps 1]

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeNpy } from '../../src/core/npy.ts';
import type { LabelledRows } from '../../src/core/probes/feature-table.ts';
import { createRng } from '../../src/core/rng.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { knnProbe } from '../../src/engine/probes/knn.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '10000' },
    d: { type: 'string', default: '2048' },
    classes: { type: 'string', default: '100' },
    reps: { type: 'string', default: '1' },
  },
});
const [n, d, classes, reps] = [values.n, values.d, values.classes, values.reps].map(Number);
const K = [10, 20, 100, 200];
const SIGNAL = 0.25;

/**
 * Rows near one of `classes` random centres, the class signal weak against the noise (so kNN is far from
 * perfect and k matters), clipped at 0 like pooled ReLU features.
 */
function clustered(rows: number, seed: number, centres: Float32Array): LabelledRows {
  const rng = createRng(seed);
  const X = new Float32Array(rows * d);
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const c = Math.floor(rng.nextFloat() * classes);
    y[i] = c;
    for (let j = 0; j < d; j++)
      X[i * d + j] = Math.max(0, SIGNAL * centres[c * d + j] + 2 * (rng.nextFloat() - 0.5));
  }
  return { X, y, n: rows, d };
}

console.log(
  `# kNN bench ${new Date().toISOString()}  ${cpus()[0]?.model} ×${cpus().length}  node ${process.version}`,
);
const rng = createRng(7);
const centres = Float32Array.from({ length: classes * d }, () => rng.nextFloat());
const train = clustered(n, 1, centres);
const test = clustered(n, 2, centres);
const dir = join(ROOT, '.cache/bench-knn', `${n}x${d}-${classes}`);
mkdirSync(dir, { recursive: true });
for (const [name, set] of [
  ['train', train],
  ['test', test],
] as const) {
  writeFileSync(join(dir, `${name}_X.npy`), writeNpy(set.X, [set.n, d]));
  writeFileSync(join(dir, `${name}_y.npy`), writeNpy(set.y, [set.n]));
}

await initBackend('wasm');
const opts = { k: K, temperature: 0.07, nClasses: classes };
await knnProbe(
  { ...train, n: 500, X: train.X.subarray(0, 500 * d), y: train.y.subarray(0, 500) },
  test,
  opts,
);
for (let r = 0; r < reps; r++) {
  const t0 = performance.now();
  const lab = await knnProbe(train, test, opts);
  const s = (performance.now() - t0) / 1000;
  console.log(
    `lab   ${s.toFixed(2).padStart(6)} s  ${lab.matMul.padEnd(36)} top-1 ${lab.accuracy.map((a) => (100 * a).toFixed(2)).join(' / ')} (k = ${K.join(', ')})`,
  );
}
for (let r = 0; r < reps; r++) {
  const py = spawnSync(
    '/usr/bin/python3',
    [join(import.meta.dirname, 'numpy_knn.py'), dir, '--k', K.join(',')],
    {
      encoding: 'utf8',
    },
  );
  if (py.status !== 0) throw new Error(py.stderr);
  const ref = JSON.parse(py.stdout) as { seconds: number; accuracy: number[] };
  console.log(
    `numpy ${ref.seconds.toFixed(2).padStart(6)} s  ${'OpenBLAS float32 brute force'.padEnd(36)} top-1 ${ref.accuracy.map((a) => (100 * a).toFixed(2)).join(' / ')}`,
  );
}
