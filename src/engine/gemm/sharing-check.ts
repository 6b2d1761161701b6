// Whether the GEMM's helper threads take part in its products here: a product repeated until a helper has run
// some of its chunks (or a time limit), each result compared bit for bit with the first. A browser test calls it
// through the worker's debug entry: in Chromium a helper started by a worker could sit unstarted while the
// caller ran every chunk itself, which only shows as a slow probe.

import type { GemmEngine } from './gemm.ts';

export interface SharingCheck {
  threads: number;
  products: number;
  chunks: number;
  /** Chunks the helper threads ran (0 with one thread). */
  byHelpers: number;
  /** Every product gave the first one's bits. */
  identical: boolean;
}

const ROWS = 6000;
const COLS = 512;
const K = 32;

export async function checkGemmSharing(engine: GemmEngine, timeLimitMs = 5000): Promise<SharingCheck> {
  const a = Float32Array.from({ length: ROWS * COLS }, (_, i) => ((i * 7919) % 1009) / 1009 - 0.5);
  const b = Float32Array.from({ length: COLS * K }, (_, i) => ((i * 104729) % 997) / 997 - 0.5);
  const matrix = engine.matrix(a, ROWS, COLS, K);
  const before = { ...engine.sharing };
  const start = performance.now();
  let first: Float32Array | null = null;
  let identical = true;
  let products = 0;
  try {
    do {
      const c = await matrix.multiply(b, K);
      first ??= c;
      identical &&= c.every((v, i) => Object.is(v, first?.[i]));
      products++;
    } while (
      engine.threads > 1 &&
      engine.sharing.byHelpers === before.byHelpers &&
      performance.now() - start < timeLimitMs
    );
  } finally {
    matrix.dispose();
  }
  return {
    threads: engine.threads,
    products,
    chunks: engine.sharing.chunks - before.chunks,
    byHelpers: engine.sharing.byHelpers - before.byHelpers,
    identical,
  };
}
