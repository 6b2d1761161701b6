// The seeded sample of images a model's diffusion is averaged over. Keys are sorted first so the sample
// depends only on the dataset's contents and the seed, not on the order a platform lists files in.

import { createRng } from '../rng.ts';

export function sampleImageKeys(keys: readonly string[], count: number, seed: number): string[] {
  const sorted = [...keys].sort();
  if (count >= sorted.length) return sorted;
  const picked = createRng(seed).choice(sorted.length, count);
  return picked.sort((a, b) => a - b).map((i) => sorted[i]);
}
