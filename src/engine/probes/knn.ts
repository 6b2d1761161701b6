// The kNN probe (DINO's weighted vote, core/probes/knn-vote.ts) over plain arrays: features are L2-normalised,
// cosine similarities of a chunk of test images to every training image are one product on the probes'
// device (the lab's wasm GEMM on CPU backends, tfjs on GPU backends, as the linear probe's), then each test
// image's top neighbours vote for every k at once.

import type { LabelledRows } from '../../core/probes/feature-table.ts';
import { topNeighbours, votesOverK } from '../../core/probes/knn-vote.ts';
import { progressTracker } from '../../core/progress.ts';
import { throwIfCancelled } from '../extract.ts';
import { deviceMatrix } from './device-matrix.ts';
import type { ProbeHooks } from './linear.ts';

export interface KnnOptions {
  /** Neighbour counts, any order; each is capped at the train size. */
  k: number[];
  temperature: number;
  nClasses: number;
  /** Test images per product (a similarity chunk is trainRows × chunk floats). */
  chunk?: number;
}

export interface KnnResult {
  /** Ascending, as asked (before capping). */
  k: number[];
  /** min(k, train size) of each k. */
  kUsed: number[];
  /** Top-1 accuracy for each k. */
  accuracy: number[];
  /** predictions[i][t]: predicted class of test image t at k[i]. */
  predictions: Int32Array[];
  /** Where the similarity products ran ('wasm-gemm (...)', 'tfjs-webgl', ...). */
  matMul: string;
}

const DEFAULT_CHUNK = 256;
/** DINO's nn.functional.normalize epsilon: a zero vector stays zero (similarity 0 to everything). */
const NORM_EPS = 1e-12;

/** Rows scaled to unit L2 norm (norms in float64), as float32. */
export function l2Normalised(set: LabelledRows): Float32Array {
  const out = new Float32Array(set.n * set.d);
  for (let r = 0; r < set.n; r++) {
    let sq = 0;
    for (let j = r * set.d; j < (r + 1) * set.d; j++) sq += set.X[j] * set.X[j];
    const scale = 1 / Math.max(Math.sqrt(sq), NORM_EPS);
    for (let j = r * set.d; j < (r + 1) * set.d; j++) out[j] = set.X[j] * scale;
  }
  return out;
}

/** A rows × cols row-major matrix, transposed. */
function transposed(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}

/** Test chunk [from, to) of a row-major n × d matrix, transposed to d × (to − from). */
function chunkTransposed(x: Float32Array, d: number, from: number, to: number): Float32Array {
  const w = to - from;
  const out = new Float32Array(d * w);
  for (let t = 0; t < w; t++) for (let j = 0; j < d; j++) out[j * w + t] = x[(from + t) * d + j];
  return out;
}

/**
 * Cosine similarities of test rows [from, to) to every training row: trainRows × (to − from), row-major
 * (column t holds test image from + t). Exposed for the parity test, which hands them to numpy.
 */
export async function similarityChunks(
  train: LabelledRows,
  test: LabelledRows,
  chunk: number,
  each: (sims: Float32Array, from: number, to: number, route: string) => Promise<void> | void,
): Promise<void> {
  const trainN = l2Normalised(train);
  const testN = l2Normalised(test);
  const device = await deviceMatrix(trainN, train.n, train.d, Math.min(chunk, Math.max(1, test.n)));
  try {
    for (let from = 0; from < test.n; from += chunk) {
      const to = Math.min(test.n, from + chunk);
      const sims = await device.multiply(chunkTransposed(testN, test.d, from, to), to - from);
      await each(sims, from, to, device.route);
    }
  } finally {
    device.dispose();
  }
}

export async function knnProbe(
  train: LabelledRows,
  test: LabelledRows,
  opts: KnnOptions,
  hooks: ProbeHooks = {},
): Promise<KnnResult> {
  if (train.n === 0 || test.n === 0) throw new Error('kNN needs training and test images');
  if (train.d !== test.d) throw new Error(`kNN: train has ${train.d} features, test ${test.d}`);
  const ks = [...opts.k].sort((a, b) => a - b);
  const kUsed = ks.map((k) => Math.min(k, train.n));
  const kMax = kUsed[kUsed.length - 1];
  const predictions = ks.map(() => new Int32Array(test.n));
  const tracker = progressTracker('kNN', test.n);
  let matMul = '';
  await similarityChunks(train, test, opts.chunk ?? DEFAULT_CHUNK, (chunk, from, to, route) => {
    matMul = route;
    const w = to - from;
    // Test-major, so each test image's similarities are contiguous for the selection.
    const sims = transposed(chunk, train.n, w);
    for (let t = 0; t < w; t++) {
      const neighbours = topNeighbours(sims, train.n, kMax, t * train.n);
      const voted = votesOverK(
        neighbours,
        (r) => sims[t * train.n + neighbours[r]],
        train.y,
        opts.nClasses,
        ks,
        opts.temperature,
      );
      voted.forEach((c, i) => {
        predictions[i][from + t] = c;
      });
    }
    throwIfCancelled(hooks.cancel);
    hooks.onProgress?.(tracker.update(to));
  });
  const accuracy = predictions.map((p) => {
    let correct = 0;
    for (let t = 0; t < test.n; t++) if (p[t] === test.y[t]) correct++;
    return correct / test.n;
  });
  return { k: ks, kUsed, accuracy, predictions, matMul };
}
