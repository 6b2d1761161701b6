// The tile height of the CPU route's kernel (conv-kernel.ts), measured once per GEMM engine, apart from the
// probe kernel's: the two kernels use registers differently (the conv kernel keeps one input pointer per tile
// row), so one engine's best tile is not the other's. On the 2-core EPYC, Chromium 156 runs the probe kernel
// fastest with 6-row tiles but ResNet-50 on the conv kernel at 7.05 img/s with 4-row tiles against 5.57 with
// 6 (2026-12-03); Node 20 prefers 4 rows for both. Results never depend on the tile (each output is the same
// sequential sum), only speed does.

import { CONV_TILE_ROWS, type ConvTileRows, convKernelName, convModuleBytes } from '../gemm/conv-kernel.ts';
import { fastestInAlternateRounds, type GemmEngine } from '../gemm/gemm.ts';

export interface ConvKernel {
  mr: ConvTileRows;
  module: WebAssembly.Module;
}

const chosen = new WeakMap<GemmEngine, Promise<ConvKernel>>();

/** The conv kernel's compiled module for `engine`: its tile given by the engine's caller, else the faster one. */
export function convKernelFor(engine: GemmEngine): Promise<ConvKernel> {
  let kernel = chosen.get(engine);
  if (!kernel) {
    kernel = engine.tileGiven
      ? compile(engine.tileRows, engine.shared).then((module) => ({ mr: engine.tileRows, module }))
      : fastestConvTile(engine.shared);
    chosen.set(engine, kernel);
  }
  return kernel;
}

function compile(mr: ConvTileRows, shared: boolean): Promise<WebAssembly.Module> {
  return WebAssembly.compile(convModuleBytes({ mr, shared }) as BufferSource);
}

// A 1×1 layer of 256 → 64 channels over 96 rows (3 MFLOP, well under a millisecond once optimised), on the
// calling thread, alternating tiles so that both see the same machine; the first rounds let the engine tier
// the kernel up to its optimising compiler. About 30 ms in all.
const ROWS = 96;
const CIN = 256;
const COUT = 64;
const ROUNDS = 10;
const CALLS = 4;

async function fastestConvTile(shared: boolean): Promise<ConvKernel> {
  const runs = await Promise.all(
    CONV_TILE_ROWS.map(async (mr) => {
      const module = await compile(mr, shared);
      return { mr, module, run: tileRunner(module, mr, shared) };
    }),
  );
  const best = await fastestInAlternateRounds(runs, ROUNDS, (r) => {
    for (let c = 0; c < CALLS; c++) r.run();
  });
  return { mr: best.mr, module: best.module };
}

/** One call of the kernel over a fixed layer in a small memory of its own. */
function tileRunner(module: WebAssembly.Module, mr: number, shared: boolean): () => void {
  const panels = Math.ceil(ROWS / mr);
  const floats = CIN * COUT + COUT + panels * mr * (CIN + COUT) + CIN;
  const pages = Math.ceil((floats * 4 + panels * mr * 4) / 65536) + 1;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared });
  const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<
    string,
    (...args: number[]) => void
  >;
  const f32 = new Float32Array(memory.buffer);
  for (let i = 0; i < floats; i++) f32[i] = ((i * 7919) % 1000) / 1000 - 0.5;
  const w = 0;
  const bias = CIN * COUT * 4;
  const a = bias + COUT * 4;
  const c = a + panels * mr * CIN * 4;
  const ind = (floats * 4 + 15) & ~15;
  const rows = new Int32Array(memory.buffer, ind, panels * mr);
  for (let m = 0; m < rows.length; m++) rows[m] = a + m * CIN * 4;
  const fn = convKernelName(false, true);
  return () => kernel[fn](ind, w, c, panels, 1, CIN * 4, COUT / 8, COUT * 4, bias, 0, panels);
}
