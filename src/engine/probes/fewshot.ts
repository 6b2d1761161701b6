// Few-shot probe of the protocol: prototypical nearest centroid on frozen features (prototype = mean of a
// class's support features, score = −‖q − p‖², prediction = argmax), over seeded episodes. All episodes of a
// chunk run as a few batched tensor ops on the active backend: gather → [E, n, k, D] means → distances via
// ‖q‖² − 2 q·p + ‖p‖² → argmax. Chunks keep the gathered tensors under a memory budget.

import * as tf from '@tensorflow/tfjs-core';
import { type EpisodeSet, meanAndCi95, sampleEpisodes } from '../../core/fewshot/episodes.ts';
import { CancelledError } from '../../core/types.ts';
import type { FeatureSet, ProbeHooks } from './linear.ts';

export interface FewShotOptions {
  ways: number;
  shots: number[];
  queries: number;
  episodes: number;
  seed: number;
}

export interface FewShotShotResult {
  shots: number;
  /** Mean episode accuracy, a fraction. */
  mean: number;
  /** 1.96 · σ / √E with σ the population standard deviation over episodes. */
  ci95: number;
  episodes: number;
  classesUsed: number;
  classesSkipped: number[];
  /** Accuracy of each episode, in episode order. */
  episodeAccuracies: number[];
}

/** Floats of gathered support + query features per chunk (128 MiB of float32). */
const CHUNK_FLOATS = 32 * 1024 * 1024;

function chunkSize(set: EpisodeSet, d: number): number {
  const perEpisode = set.ways * (set.shots + set.queries) * d;
  return Math.max(1, Math.min(set.episodes, Math.floor(CHUNK_FLOATS / perEpisode)));
}

/** Correct-prediction counts of episodes [from, to), computed on the device. */
async function chunkCorrect(
  features: tf.Tensor2D,
  set: EpisodeSet,
  from: number,
  to: number,
): Promise<Int32Array> {
  const { ways, shots, queries } = set;
  const e = to - from;
  const d = features.shape[1];
  const counts = tf.tidy(() => {
    const sIdx = tf.tensor1d(set.support.subarray(from * ways * shots, to * ways * shots), 'int32');
    const qIdx = tf.tensor1d(set.query.subarray(from * ways * queries, to * ways * queries), 'int32');
    const protos = tf.mean(tf.reshape(tf.gather(features, sIdx), [e, ways, shots, d]), 2); // [e, n, D]
    const q = tf.reshape(tf.gather(features, qIdx), [e, ways * queries, d]); // [e, nq, D]
    const qq = tf.sum(tf.square(q), 2, true); // [e, nq, 1]
    const pp = tf.reshape(tf.sum(tf.square(protos), 2), [e, 1, ways]); // [e, 1, n]
    const qp = tf.matMul(q, tf.transpose(protos, [0, 2, 1])); // [e, nq, n]
    const dist = tf.add(tf.sub(qq, tf.mul(2, qp)), pp);
    const predicted = tf.argMin(dist, 2); // nearest prototype (first on ties)
    // Query (w, j) sits at position w * queries + j, so its true way is floor(pos / queries).
    const truth = tf.tensor1d(
      Int32Array.from({ length: ways * queries }, (_, i) => Math.floor(i / queries)),
      'int32',
    );
    return tf.sum(tf.cast(tf.equal(predicted, truth), 'int32'), 1);
  });
  try {
    return (await counts.data()) as Int32Array;
  } finally {
    counts.dispose();
  }
}

async function runEpisodes(
  features: tf.Tensor2D,
  set: EpisodeSet,
  hooks: ProbeHooks | undefined,
  label: string,
): Promise<number[]> {
  const accuracies: number[] = [];
  const step = chunkSize(set, features.shape[1]);
  const perEpisode = set.ways * set.queries;
  const started = Date.now();
  for (let from = 0; from < set.episodes; from += step) {
    if (hooks?.cancel?.cancelled) throw new CancelledError();
    const to = Math.min(set.episodes, from + step);
    const correct = await chunkCorrect(features, set, from, to);
    for (const c of correct) accuracies.push(c / perEpisode);
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? to / seconds : null;
    hooks?.onProgress?.({
      stage: `few-shot ${label}`,
      done: to,
      total: set.episodes,
      ratePerSecond: rate,
      etaSeconds: rate ? (set.episodes - to) / rate : null,
    });
  }
  return accuracies;
}

export async function fewShotProbe(
  all: FeatureSet,
  opts: FewShotOptions,
  hooks?: ProbeHooks,
): Promise<FewShotShotResult[]> {
  const features = tf.tensor2d(all.X.subarray(0, all.n * all.d), [all.n, all.d]);
  const results: FewShotShotResult[] = [];
  try {
    for (const shots of opts.shots) {
      // Each shot setting draws its own episodes from the same seed, so adding a setting changes no other.
      const set = sampleEpisodes(all.y, {
        ways: opts.ways,
        shots,
        queries: opts.queries,
        episodes: opts.episodes,
        seed: opts.seed,
      });
      const accuracies = await runEpisodes(features, set, hooks, `${opts.ways}-way ${shots}-shot`);
      const { mean, ci95 } = meanAndCi95(accuracies);
      results.push({
        shots,
        mean,
        ci95,
        episodes: opts.episodes,
        classesUsed: set.classesUsed.length,
        classesSkipped: set.classesSkipped,
        episodeAccuracies: accuracies,
      });
    }
  } finally {
    features.dispose();
  }
  return results;
}
