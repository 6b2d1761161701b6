// Colour reliance: a linear probe trained on colour images, scored on the same test images in colour and
// in greyscale (PIL 'L' replicated to RGB), plus the mean cosine similarity of each image's colour and
// greyscale features. A probe that loses little accuracy, on features that barely move, does not rely on
// colour. Pure float64; the probe's weights come from the engine's logistic regression.

import { type AccuracyMetric, accuracyMetric, argmaxRows } from '../metrics/classification.ts';
import { meanCosine } from './similarity.ts';

/** A fitted linear classifier in the engine's layout (LogRegFit.weights): (d + 1) × K, intercept row last. */
export interface LinearClassifier {
  weights: Float64Array;
  classes: number;
}

export interface ColourRelianceInput {
  /** Test features of the colour images and of their greyscale versions, row-major n × d, same row order. */
  colour: ArrayLike<number>;
  grey: ArrayLike<number>;
  labels: ArrayLike<number>;
  n: number;
  d: number;
  metric?: AccuracyMetric;
}

export interface ColourRelianceResult {
  accuracyColour: number;
  accuracyGrey: number;
  /** accuracyColour − accuracyGrey: how much the probe loses without colour. */
  drop: number;
  meanCosine: number;
}

/** Logits X·W + b in float64 (n × K). */
export function linearLogits(
  clf: LinearClassifier,
  X: ArrayLike<number>,
  n: number,
  d: number,
): Float64Array {
  const k = clf.classes;
  if (clf.weights.length !== (d + 1) * k) {
    throw new Error(`classifier has ${clf.weights.length} weights, expected (${d} + 1) × ${k}`);
  }
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) out[i * k + c] = clf.weights[d * k + c];
    for (let j = 0; j < d; j++) {
      const v = X[i * d + j];
      if (v === 0) continue;
      for (let c = 0; c < k; c++) out[i * k + c] += v * clf.weights[j * k + c];
    }
  }
  return out;
}

export function colourReliance(clf: LinearClassifier, input: ColourRelianceInput): ColourRelianceResult {
  const { colour, grey, labels, n, d } = input;
  if (labels.length !== n) throw new Error(`colour reliance: ${labels.length} labels for ${n} images`);
  const metric = input.metric ?? 'top1';
  const score = (X: ArrayLike<number>) =>
    accuracyMetric(metric, argmaxRows(linearLogits(clf, X, n, d), n, clf.classes), labels, clf.classes);
  const accuracyColour = score(colour);
  const accuracyGrey = score(grey);
  return {
    accuracyColour,
    accuracyGrey,
    drop: accuracyColour - accuracyGrey,
    meanCosine: meanCosine(colour, grey, n, d),
  };
}
