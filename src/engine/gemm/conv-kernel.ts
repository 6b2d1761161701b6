// The indirect-GEMM kernel behind the CPU inference route (src/engine/cpu-route): convolutions and linear
// layers as C = A·W + bias (+ residual) (→ ReLU), where each row of A is one output pixel (or token) and A is
// never materialised. Instead an indirection buffer holds, for every row and every kernel tap, the byte address
// of that input pixel's channel vector (NHWC), or of a zero vector for padding: XNNPACK's "indirect
// convolution" (Dukhan 2019). A 1×1 convolution or a linear layer is the case of one tap whose addresses are
// the rows themselves. W is packed once at load, in panels of NR output channels ([panel][tap][cin][NR]).
//
// For every MR × NR tile of C the inner loop walks the taps and, within a tap, the input channels, broadcasting
// MR input values against NR/4 weight vectors into MR·NR/4 accumulators, exactly like the probe GEMM
// (kernel.ts). Each element of C is one sequential sum over (tap, channel) with separate multiply and add, so
// the result does not depend on the tile height, on how rows are split over threads, or on the engine
// (docs/determinism.md). The epilogue adds the bias, then the residual, then applies ReLU, in that order, as
// the tfjs graph does (fused conv + bias, add, relu).
//
// Exports igemm, igemm_relu, igemm_res, igemm_res_relu (and vector-ops.ts's functions), all four
//   (ind, w, c, rowPanels, taps, cinBytes, colPanels, cStride, bias, res, block)   — byte addresses and counts;
// ind: [panel][tap][MR] i32 addresses; cStride: bytes per row of C (and of the residual, which has C's shape);
// block: row panels per row block (see below).

import { vectorOpFunctions } from './vector-ops.ts';
import { I32, op, V128, type WasmFunction, wasmModule } from './wasm-bytes.ts';
import { winogradFunctions } from './winograd-ops.ts';

export const CONV_NR = 8;
export const CONV_TILE_ROWS = [4, 6] as const;
export type ConvTileRows = (typeof CONV_TILE_ROWS)[number];

export interface ConvKernelOptions {
  mr: ConvTileRows;
  shared: boolean;
}

// Parameters.
const IND = 0;
const W = 1;
const C = 2;
const ROW_PANELS = 3;
const TAPS = 4;
const CIN_BYTES = 5;
const COL_PANELS = 6;
const C_STRIDE = 7;
const BIAS = 8;
const RES = 9;
const BLOCK = 10;
const PARAMS = 11;
// i32 locals.
const I = 11;
const Q = 12;
const T = 13;
const PIND = 14;
const PW = 15;
const O = 16;
const PC = 17;
const PR = 18;
const IB = 19;
const IEND = 20;
const END = 21;
const FIRST_PTR = 22;

export function convKernelName(residual: boolean, relu: boolean): string {
  return `igemm${residual ? '_res' : ''}${relu ? '_relu' : ''}`;
}

// One input channel per step of the inner loop. Unrolling it four times (offsets folded into the loads, one
// pointer bump per four channels) was measured slower in Node 20: ResNet-50 at 224 px took about 2.2 s per
// batch of 8 on 2 threads against 1.5–1.6 s, and a ViT-B/16 batch 13 s against 10 s (2026-12-03).
function igemmFunction(MR: number, residual: boolean, relu: boolean): WasmFunction {
  const nv = CONV_NR / 4;
  const ptr = (r: number) => FIRST_PTR + r;
  const firstV = FIRST_PTR + MR;
  const acc = (r: number, v: number) => firstV + r * nv + v;
  const wVec = (v: number) => firstV + MR * nv + v;
  const splat = firstV + MR * nv + nv;
  const body: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const p of parts) body.push(...p);
  };

  // Row blocks of BLOCK panels: within a block every column panel of W is streamed once for all its rows,
  // so W is read rowPanels/BLOCK times instead of rowPanels times (the rows of a block stay in cache).
  emit(op.i32(0), op.set(IB), op.block, op.loop);
  emit(op.get(IB), op.get(ROW_PANELS), op.i32GeU, op.brIf(1));
  emit(op.get(IB), op.get(BLOCK), op.i32Add, op.set(IEND));
  emit(
    op.get(ROW_PANELS),
    op.get(IEND),
    op.get(IEND),
    op.get(ROW_PANELS),
    op.i32GtU,
    op.select,
    op.set(IEND),
  );
  emit(op.i32(0), op.set(Q), op.block, op.loop);
  emit(op.get(Q), op.get(COL_PANELS), op.i32GeU, op.brIf(1));
  emit(op.get(IB), op.set(I), op.block, op.loop);
  emit(op.get(I), op.get(IEND), op.i32GeU, op.brIf(1));

  for (let r = 0; r < MR; r++) for (let v = 0; v < nv; v++) emit(op.v128Zero, op.set(acc(r, v)));
  // pw = w + q·taps·cinBytes·NR; pind = ind + i·taps·MR·4
  emit(op.get(W), op.get(Q), op.get(TAPS), op.i32Mul, op.get(CIN_BYTES), op.i32Mul, op.i32(CONV_NR));
  emit(op.i32Mul, op.i32Add, op.set(PW));
  emit(op.get(IND), op.get(I), op.get(TAPS), op.i32Mul, op.i32(MR * 4), op.i32Mul, op.i32Add, op.set(PIND));
  emit(op.i32(0), op.set(T));

  // Taps (≥ 1): the MR rows' input addresses for this tap, then the channels (≥ 1), one at a time.
  emit(op.loop);
  for (let r = 0; r < MR; r++) emit(op.get(PIND), op.i32Load(r * 4), op.set(ptr(r)));
  emit(op.get(PIND), op.i32(MR * 4), op.i32Add, op.set(PIND));
  emit(op.get(ptr(0)), op.get(CIN_BYTES), op.i32Add, op.set(END));
  emit(op.loop);
  for (let v = 0; v < nv; v++) emit(op.get(PW), op.v128Load(v * 16), op.set(wVec(v)));
  for (let r = 0; r < MR; r++) {
    emit(op.get(ptr(r)), op.v128Load32Splat(0), op.set(splat));
    for (let v = 0; v < nv; v++) {
      emit(op.get(acc(r, v)), op.get(splat), op.get(wVec(v)), op.f32x4Mul, op.f32x4Add, op.set(acc(r, v)));
    }
  }
  for (let r = 0; r < MR; r++) emit(op.get(ptr(r)), op.i32(4), op.i32Add, op.set(ptr(r)));
  emit(op.get(PW), op.i32(CONV_NR * 4), op.i32Add, op.set(PW));
  emit(op.get(ptr(0)), op.get(END), op.i32LtU, op.brIf(0), op.end);
  emit(op.get(T), op.i32(1), op.i32Add, op.set(T));
  emit(op.get(T), op.get(TAPS), op.i32LtU, op.brIf(0), op.end);

  // Epilogue: row r of the tile at c + (i·MR + r)·cStride + q·NR·4 (the residual at the same offset from res).
  emit(op.get(I), op.i32(MR), op.i32Mul, op.get(C_STRIDE), op.i32Mul);
  emit(op.get(Q), op.i32(CONV_NR * 4), op.i32Mul, op.i32Add, op.set(O));
  emit(op.get(C), op.get(O), op.i32Add, op.set(PC));
  if (residual) emit(op.get(RES), op.get(O), op.i32Add, op.set(PR));
  // The weight vectors are free now: they hold the bias of this column panel.
  for (let v = 0; v < nv; v++) {
    emit(op.get(BIAS), op.get(Q), op.i32(CONV_NR * 4), op.i32Mul, op.i32Add, op.v128Load(v * 16));
    emit(op.set(wVec(v)));
  }
  for (let r = 0; r < MR; r++) {
    for (let v = 0; v < nv; v++) {
      emit(op.get(PC), op.get(C_STRIDE), op.i32(r), op.i32Mul, op.i32Add);
      emit(op.get(acc(r, v)), op.get(wVec(v)), op.f32x4Add);
      if (residual) {
        emit(op.get(PR), op.get(C_STRIDE), op.i32(r), op.i32Mul, op.i32Add, op.v128Load(v * 16), op.f32x4Add);
      }
      // A constant, not a local: a zero register held through the loops would cost MR = 6 its last register.
      if (relu) emit(op.v128Zero, op.f32x4Max);
      emit(op.v128Store(v * 16));
    }
  }

  emit(op.get(I), op.i32(1), op.i32Add, op.set(I), op.br(0), op.end, op.end);
  emit(op.get(Q), op.i32(1), op.i32Add, op.set(Q), op.br(0), op.end, op.end);
  emit(op.get(IEND), op.set(IB), op.br(0), op.end, op.end);
  return {
    name: convKernelName(residual, relu),
    params: PARAMS,
    locals: [
      { count: FIRST_PTR + MR - I, type: I32 },
      { count: MR * nv + nv + 1, type: V128 },
    ],
    body,
  };
}

export function convModuleBytes(opts: ConvKernelOptions): Uint8Array {
  const fns = [false, true].flatMap((residual) =>
    [false, true].map((relu) => igemmFunction(opts.mr, residual, relu)),
  );
  // The ViT's element-wise steps live in the same module, so the helper threads that run the products run
  // them too (vector-ops.ts).
  return wasmModule([...fns, ...vectorOpFunctions(), ...winogradFunctions()], opts.shared);
}
