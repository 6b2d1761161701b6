// The weighted kNN probe of DINO (facebookresearch/dino eval_knn.py): L2-normalised features, cosine
// similarity, the k most similar training images vote with weights exp(sim / T). Reported: top-1 at k = 20
// (the headline) and the curve over k, as extras of one score so links and CSV carry the curve.

import { type EvalSettings, type KnnRequest, positiveIntegerList, SettingsError } from '../settings.ts';
import type { ProbeDescriptor } from '../types.ts';
import { trainTestVerdict } from './linear.ts';

export const KNN_DEFAULTS: KnnRequest = { k: [10, 20, 100, 200], temperature: 0.07 };
/** DINO's headline neighbour count. */
export const KNN_HEADLINE_K = 20;
export const KNN_PROBE = 'knn';

export function knnRequest(s: EvalSettings): KnnRequest {
  return s.knn ?? KNN_DEFAULTS;
}

/** The k whose accuracy is the score's value: 20 when asked for, else the first k asked for. */
export function headlineK(ks: number[]): number {
  return ks.includes(KNN_HEADLINE_K) ? KNN_HEADLINE_K : ks[0];
}

/** The one place the curve's extra keys are made ('top1@k20') and read back. */
export function knnCurveKey(k: number): string {
  return `top1@k${k}`;
}

const CURVE_KEY = /^top1@k(\d+)$/;

/** The accuracy-over-k curve of a kNN score's extras, in increasing k. */
export function knnCurve(extra: Record<string, number> | undefined): { k: number; value: number }[] {
  const points = Object.entries(extra ?? {}).flatMap(([key, value]) => {
    const m = CURVE_KEY.exec(key);
    return m ? [{ k: Number(m[1]), value }] : [];
  });
  return points.sort((a, b) => a.k - b.k);
}

export function validateKnn(req: KnnRequest): string[] {
  const problems: string[] = [];
  if (req.k.length === 0 || req.k.some((k) => !(Number.isInteger(k) && k >= 1)))
    problems.push('kNN k values must be positive integers');
  if (new Set(req.k).size !== req.k.length) problems.push('kNN k values must be distinct');
  if (req.k.length > 16) problems.push('kNN takes at most 16 k values');
  if (!(Number.isFinite(req.temperature) && req.temperature > 0))
    problems.push('kNN temperature must be > 0');
  return problems;
}

export const knnProbeDescriptor: ProbeDescriptor = {
  kind: 'knn',
  label: 'kNN',
  description: 'kNN (DINO weighted vote: cosine similarity, k = 10, 20, 100, 200, T = 0.07)',
  needs: ['pooled-features'],
  featureRule: 'linear',
  defaults: { knn: KNN_DEFAULTS },
  validate: (s) => validateKnn(knnRequest(s)),
  flags: [
    {
      name: 'k',
      help: 'kNN neighbour counts (default 10,20,100,200; each capped at the train size)',
      apply: (s, v) => ({ ...s, knn: { ...knnRequest(s), k: positiveIntegerList(v, '--k') } }),
    },
    {
      name: 'temperature',
      help: 'kNN vote temperature T, weights exp(sim / T) (default 0.07)',
      apply: (s, v) => {
        const temperature = Number(v);
        if (!(Number.isFinite(temperature) && temperature > 0))
          throw new SettingsError(`--temperature must be a positive number, not '${v}'`);
        return { ...s, knn: { ...knnRequest(s), temperature } };
      },
    },
  ],
  metrics: ['top1'],
  scoreLabel: (name) => (name === KNN_PROBE ? 'kNN' : null),
  scoreNames: () => [KNN_PROBE],
  preconditions: (facts, s) => trainTestVerdict(facts, s, [KNN_PROBE]),
  chart: 'knn-curve',
};
