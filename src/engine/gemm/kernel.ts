// The GEMM micro-kernel, written as WebAssembly SIMD: C = A·B for a tall A (thousands of rows) and a thin B
// (tens to hundreds of columns), the two products each iteration of the linear probe needs.
//
// A is packed once into panels of MR rows stored column by column ([panel][l][r], pack.ts), B into panels of
// NR columns stored row by row ([panel][l][c]). For each MR × NR tile of C the inner loop walks l, broadcasting
// MR values of A against NR/4 vectors of B into MR·NR/4 accumulators that stay in registers for the whole
// reduction, then stores the tile once. With MR = 6, NR = 8 that is 12 accumulators + 2 B vectors + 1
// broadcast, within the 15 vector registers V8 allocates on x64. Measured on the 2-core EPYC (one thread,
// 10,000 × 2,049 × 100): Chromium 156 runs MR = 6 in 90 ms with FMA (121 ms without; tfjs-wasm's matMul takes
// 115 ms on TWO threads for the same product), but Node 20's older V8 spills registers there (148 ms) and
// runs MR = 4 faster (112 ms). The engine times both and keeps the faster (gemm.ts); MR does not change any
// result, since every element of C is the same sequential sum over l whatever the tile.
//
// Exports `gemm` (NR = 8) and `gemm4` (NR = 4, for the last ≤ 4 columns), both
//   (a, b, c, rowPanels, L, colPanels, cStride)  — byte addresses; cStride = bytes per row of C.
// Each element of C is one sequential sum over l, so results do not depend on how rows are split over threads.

import { I32, op, V128, type WasmFunction, wasmModule } from './wasm-bytes.ts';

export const NR = 8;
/** Tile heights the engine chooses between. */
export const TILE_ROWS = [4, 6] as const;
export type TileRows = (typeof TILE_ROWS)[number];

export interface KernelOptions {
  /** Tile height MR: rows of A per panel. */
  mr: TileRows;
  /** Use relaxed SIMD's fused multiply-add (relaxed_madd); else separate mul and add (plain SIMD). */
  fma: boolean;
  /** Import a shared memory (for helper threads) or a plain one. */
  shared: boolean;
}

// Parameter and local indices.
const A = 0;
const B = 1;
const C = 2;
const ROW_PANELS = 3;
const L = 4;
const COL_PANELS = 5;
const C_STRIDE = 6;
const I = 7;
const Q = 8;
const PA = 9;
const PB = 10;
const PC = 11;
const END = 12;
const A_STRIDE = 13;
const B_STRIDE = 14;
const FIRST_V128 = 15;

function gemmFunction(name: string, MR: number, nr: number, fma: boolean): WasmFunction {
  const nv = nr / 4;
  const acc = (r: number, v: number) => FIRST_V128 + r * nv + v;
  const bVec = (v: number) => FIRST_V128 + MR * nv + v;
  const splat = FIRST_V128 + MR * nv + nv;
  const body: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const p of parts) body.push(...p);
  };

  emit(op.get(L), op.i32(MR * 4), op.i32Mul, op.set(A_STRIDE));
  emit(op.get(L), op.i32(nr * 4), op.i32Mul, op.set(B_STRIDE));
  emit(op.i32(0), op.set(I), op.block, op.loop);
  emit(op.get(I), op.get(ROW_PANELS), op.i32GeU, op.brIf(1));
  emit(op.i32(0), op.set(Q), op.block, op.loop);
  emit(op.get(Q), op.get(COL_PANELS), op.i32GeU, op.brIf(1));
  for (let r = 0; r < MR; r++) for (let v = 0; v < nv; v++) emit(op.v128Zero, op.set(acc(r, v)));
  emit(op.get(A), op.get(I), op.get(A_STRIDE), op.i32Mul, op.i32Add, op.set(PA));
  emit(op.get(B), op.get(Q), op.get(B_STRIDE), op.i32Mul, op.i32Add, op.set(PB));
  emit(op.get(PA), op.get(A_STRIDE), op.i32Add, op.set(END));

  // The reduction over l (L ≥ 1): one column of the A panel against one row of the B panel.
  emit(op.loop);
  for (let v = 0; v < nv; v++) emit(op.get(PB), op.v128Load(v * 16), op.set(bVec(v)));
  for (let r = 0; r < MR; r++) {
    emit(op.get(PA), op.v128Load32Splat(r * 4), op.set(splat));
    for (let v = 0; v < nv; v++) {
      if (fma) emit(op.get(splat), op.get(bVec(v)), op.get(acc(r, v)), op.f32x4RelaxedMadd);
      else emit(op.get(acc(r, v)), op.get(splat), op.get(bVec(v)), op.f32x4Mul, op.f32x4Add);
      emit(op.set(acc(r, v)));
    }
  }
  emit(op.get(PA), op.i32(MR * 4), op.i32Add, op.set(PA));
  emit(op.get(PB), op.i32(nr * 4), op.i32Add, op.set(PB));
  emit(op.get(PA), op.get(END), op.i32LtU, op.brIf(0), op.end);

  // Store the tile: row r of the tile starts at c + (i·MR + r)·cStride + q·NR·4.
  emit(op.get(C), op.get(I), op.i32(MR), op.i32Mul, op.get(C_STRIDE), op.i32Mul, op.i32Add);
  emit(op.get(Q), op.i32(nr * 4), op.i32Mul, op.i32Add, op.set(PC));
  for (let r = 0; r < MR; r++) {
    for (let v = 0; v < nv; v++) {
      emit(op.get(PC), op.get(C_STRIDE), op.i32(r), op.i32Mul, op.i32Add);
      emit(op.get(acc(r, v)), op.v128Store(v * 16));
    }
  }

  emit(op.get(Q), op.i32(1), op.i32Add, op.set(Q), op.br(0), op.end, op.end);
  emit(op.get(I), op.i32(1), op.i32Add, op.set(I), op.br(0), op.end, op.end);
  return {
    name,
    params: 7,
    locals: [
      { count: FIRST_V128 - I, type: I32 },
      { count: MR * nv + nv + 1, type: V128 },
    ],
    body,
  };
}

export function gemmModuleBytes(opts: KernelOptions): Uint8Array {
  const { mr, fma } = opts;
  return wasmModule([gemmFunction('gemm', mr, NR, fma), gemmFunction('gemm4', mr, 4, fma)], opts.shared);
}

/** What this engine can run: plain SIMD at all, and relaxed SIMD's FMA. */
export function kernelSupport(): { simd: boolean; fma: boolean } {
  const valid = (fma: boolean) => {
    try {
      return WebAssembly.validate(gemmModuleBytes({ mr: 4, fma, shared: false }) as BufferSource);
    } catch {
      return false;
    }
  };
  return { simd: valid(false), fma: valid(true) };
}
