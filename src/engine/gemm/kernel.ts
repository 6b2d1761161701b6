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
// Exports `gemm` (NR = 8), `gemm4` (NR = 4, for the last 4 columns) and gemm1–gemm3 (the last 1–3 columns,
// rows as the vector lanes; gemmColumnsFunction), all
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

/**
 * C's last 1–3 columns (`cols`), read from the narrow B panel (4 floats per l): the rows of A's panel are the
 * vector lanes (one load of MR = 4 rows, or two overlapping loads of rows 0–3 and 2–5 at MR = 6) and each
 * column's B value is broadcast. At K = 10 the 4-column kernel spent half its work on the two padding columns.
 * With so few accumulators each step would wait on the latency of the previous add, so `group` row panels go
 * together (U below: about 8 independent sums, within the registers), then the rest one at a time. Each lane
 * is the same sequential sum over l as in `gemm4`, so C is the same bits. Same signature as gemm4.
 */
function gemmColumnsFunction(name: string, MR: number, cols: number, fma: boolean): WasmFunction {
  const halves = MR === 4 ? 1 : 2;
  const U = Math.max(1, Math.floor(12 / (halves * (cols + 1))));
  const acc = (u: number, h: number, j: number) => FIRST_V128 + (u * halves + h) * cols + j;
  const aVec = (u: number, h: number) => FIRST_V128 + U * halves * cols + u * halves + h;
  const splat = FIRST_V128 + U * halves * (cols + 1);
  const pa = (u: number) => FIRST_V128 + U * halves * (cols + 1) + 1 + u; // i32 locals after the v128s
  const body: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const p of parts) body.push(...p);
  };
  /** Rows I … I + group·MR − 1 of C, for `group` panels starting at panel I. */
  const panels = (group: number) => {
    for (let u = 0; u < group; u++)
      for (let h = 0; h < halves; h++) for (let j = 0; j < cols; j++) emit(op.v128Zero, op.set(acc(u, h, j)));
    for (let u = 0; u < group; u++)
      emit(op.get(A), op.get(I), op.i32(u), op.i32Add, op.get(A_STRIDE), op.i32Mul, op.i32Add, op.set(pa(u)));
    emit(op.get(B), op.set(PB));
    emit(op.get(pa(0)), op.get(A_STRIDE), op.i32Add, op.set(END));
    emit(op.loop);
    for (let u = 0; u < group; u++)
      for (let h = 0; h < halves; h++) emit(op.get(pa(u)), op.v128Load(h * 8), op.set(aVec(u, h)));
    for (let j = 0; j < cols; j++) {
      emit(op.get(PB), op.v128Load32Splat(j * 4), op.set(splat));
      for (let u = 0; u < group; u++) {
        for (let h = 0; h < halves; h++) {
          if (fma) emit(op.get(splat), op.get(aVec(u, h)), op.get(acc(u, h, j)), op.f32x4RelaxedMadd);
          else emit(op.get(acc(u, h, j)), op.get(splat), op.get(aVec(u, h)), op.f32x4Mul, op.f32x4Add);
          emit(op.set(acc(u, h, j)));
        }
      }
    }
    for (let u = 0; u < group; u++) emit(op.get(pa(u)), op.i32(MR * 4), op.i32Add, op.set(pa(u)));
    emit(op.get(PB), op.i32(16), op.i32Add, op.set(PB));
    emit(op.get(pa(0)), op.get(END), op.i32LtU, op.brIf(0), op.end);
    // Row r of a panel: lane r of its first vector, or (r ≥ 4, MR = 6) lane r − 2 of its second.
    for (let u = 0; u < group; u++) {
      emit(
        op.get(C),
        op.get(I),
        op.i32(u),
        op.i32Add,
        op.i32(MR),
        op.i32Mul,
        op.get(C_STRIDE),
        op.i32Mul,
        op.i32Add,
        op.set(PC),
      );
      for (let r = 0; r < MR; r++) {
        const [h, lane] = r < 4 ? [0, r] : [1, r - 2];
        for (let j = 0; j < cols; j++) {
          emit(op.get(PC), op.get(C_STRIDE), op.i32(r), op.i32Mul, op.i32Add);
          emit(op.get(acc(u, h, j)), op.f32x4ExtractLane(lane), op.f32Store(j * 4));
        }
      }
    }
    emit(op.get(I), op.i32(group), op.i32Add, op.set(I));
  };
  emit(op.get(L), op.i32(MR * 4), op.i32Mul, op.set(A_STRIDE));
  emit(op.i32(0), op.set(I));
  // Groups of U panels while U remain, then single panels.
  emit(op.block, op.loop);
  emit(op.get(I), op.i32(U), op.i32Add, op.get(ROW_PANELS), op.i32GtU, op.brIf(1));
  panels(U);
  emit(op.br(0), op.end, op.end);
  emit(op.block, op.loop);
  emit(op.get(I), op.get(ROW_PANELS), op.i32GeU, op.brIf(1));
  panels(1);
  emit(op.br(0), op.end, op.end);
  return {
    name,
    params: 7,
    locals: [
      { count: FIRST_V128 - I, type: I32 },
      { count: U * halves * (cols + 1) + 1, type: V128 },
      { count: U, type: I32 },
    ],
    body,
  };
}

/** Kernel names by the number of C's columns they fill: 8 per panel (gemm), 4 (gemm4), 1–3 (gemm1–gemm3). */
export function narrowKernel(cols: number): string {
  return cols === 4 ? 'gemm4' : `gemm${cols}`;
}

export function gemmModuleBytes(opts: KernelOptions): Uint8Array {
  const { mr, fma } = opts;
  const columns = [1, 2, 3].map((cols) => gemmColumnsFunction(`gemm${cols}`, mr, cols, fma));
  return wasmModule(
    [gemmFunction('gemm', mr, NR, fma), gemmFunction('gemm4', mr, 4, fma), ...columns],
    opts.shared,
  );
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
