// Picks the kernel's tile height for this JavaScript engine by timing. The best tile depends on how well the
// engine allocates registers, not on the CPU alone: on the same EPYC, Chromium 156 runs 6-row tiles 20% faster
// than 4-row ones, while Node 20's older V8 spills registers at 6 rows and is 30% slower there (kernel.ts).
// The tile never changes a result, only the speed.

import { gemmModuleBytes, TILE_ROWS, type TileRows } from './kernel.ts';
import { columnPanels, packA, packB, rowPanels } from './pack.ts';

// A probe-shaped product small enough to time in about a millisecond once compiled: 1,200 × 512 × 32.
const ROWS = 1200;
const COLS = 512;
const K = 32;
const ROUNDS = 12;

type Kernel = (...args: number[]) => void;

function candidate(mr: TileRows, fma: boolean, shared: boolean): () => void {
  const module = new WebAssembly.Module(gemmModuleBytes({ mr, fma, shared }) as BufferSource);
  const width = columnPanels(K).width;
  const aFloats = rowPanels(ROWS, mr) * mr * COLS;
  const bytes = (aFloats + COLS * width + ROWS * width) * 4;
  const pages = Math.ceil(bytes / 65536);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared });
  const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports.gemm as Kernel;
  const src = Float32Array.from({ length: ROWS * COLS }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  packA(new Float32Array(memory.buffer, 0, aFloats), src, ROWS, COLS, mr, false);
  const b = Float32Array.from({ length: COLS * K }, (_, i) => ((i * 104729) % 1000) / 1000 - 0.5);
  packB(new Float32Array(memory.buffer, aFloats * 4, COLS * width), b, COLS, K);
  const c = (aFloats + COLS * width) * 4;
  return () => kernel(0, aFloats * 4, c, rowPanels(ROWS, mr), COLS, width / 8, width * 4);
}

/**
 * The faster tile height here: both candidates run in alternating rounds (the first calls also let the
 * engine tier the kernel up to its optimising compiler) and the best time of each decides. About 50 ms.
 */
export function fastestTileRows(fma: boolean, shared: boolean): TileRows {
  const runs = TILE_ROWS.map((mr) => ({
    mr,
    run: candidate(mr, fma, shared),
    best: Number.POSITIVE_INFINITY,
  }));
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of runs) {
      const t0 = performance.now();
      c.run();
      c.best = Math.min(c.best, performance.now() - t0);
    }
  }
  return runs.reduce((a, b) => (b.best < a.best ? b : a)).mr;
}
