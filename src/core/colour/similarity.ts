// How much a representation changes when colour is removed: cosine similarity between each image's
// features and its greyscale version's, averaged over images. Float64 accumulation; pure.

/**
 * Mean over rows i of cos(A_i, B_i) for row-major n × d matrices. A row pair where either vector is zero
 * has no direction: it counts as 1 when both are zero (identical) and 0 otherwise.
 */
export function meanCosine(A: ArrayLike<number>, B: ArrayLike<number>, n: number, d: number): number {
  if (A.length !== n * d || B.length !== n * d) {
    throw new Error(`meanCosine: expected two ${n}×${d} matrices, got ${A.length} and ${B.length} values`);
  }
  if (n === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += rowCosine(A, B, i * d, d);
  return sum / n;
}

function rowCosine(A: ArrayLike<number>, B: ArrayLike<number>, offset: number, d: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let j = offset; j < offset + d; j++) {
    ab += A[j] * B[j];
    aa += A[j] * A[j];
    bb += B[j] * B[j];
  }
  if (aa === 0 || bb === 0) return aa === bb ? 1 : 0;
  // Clamp: rounding can push |cos| a hair above 1 for (anti)parallel vectors.
  return Math.max(-1, Math.min(1, ab / Math.sqrt(aa * bb)));
}
