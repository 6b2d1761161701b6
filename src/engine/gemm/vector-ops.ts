// biome-ignore-all format: the wasm instruction sequences read best a few instructions to a line, as written
// The networks' element-wise and row-wise steps as WebAssembly SIMD, in the same module as the indirect-GEMM
// kernel (conv-kernel.ts) so the helper threads run them too: softmax over attention rows, GELU and CLIP's
// QuickGELU over the MLP's hidden layer, LayerNorm over token rows, an attention head's K and V packing, and
// a ResNet's stem max pool. As plain JavaScript loops (float64, fdlibm
// exp and erf) these took about 40% of a ViT-B/16 batch on the calling thread alone (2026-12-03).
//
// Every operation here is exact in IEEE 754 (single, or double for LayerNorm's moments) or bitwise (add, sub, mul, div, sqrt, nearest,
// comparisons, integer shifts), never fused and never an engine's own transcendental, so every engine on
// every machine gives the same bits (docs/determinism.md). exp is Cephes' expf (Cody–Waite reduction and a
// degree-5 polynomial, about 1 ulp); erf is Abramowitz & Stegun 7.1.26 (absolute error under 1.5e-7), both
// well inside the 1e-4 feature-scale bar against PyTorch. Each output depends only on its own input or row,
// and row sums run in a fixed lane order, so results do not depend on how the work is split over threads.
//
// Exports (byte addresses; counts in floats):
//   softmax_rows(x, rows, width, stride)   in place; entries width…stride−1 of each row are set to 0
//   gelu(x, count), quick_gelu(x, count)   in place; count a multiple of 4
//   layer_norm_rows(src, dst, rows, srcStride, dstStride, width, gamma, beta, epsBits)
//       strides in bytes, width a multiple of 4, eps as its float32 bits; dst may be src. LayerNorm alone
//       works in float64 (its mean and variance), rounding once to float32.
//   max_pool_3x3s2(src, dst, firstRow, rowCount, h, w, c, ho, wo)   a ResNet's stem pool, c a multiple of 4
//   pack_head(k, kw, vw, T, keys, dh, rowBytes, vOffset)   an attention head's K and V as the layers its two
//       products read (k: its first key; V[t][d] vOffset bytes after K[t][d]; rows rowBytes apart)

import { op, V128, type WasmFunction } from './wasm-bytes.ts';
import { type Code, countedLoop, forLoop, Locals } from './wasm-loops.ts';


function f32x4(value: number): number[] {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  for (let lane = 0; lane < 4; lane++) view.setFloat32(lane * 4, value, true);
  return op.v128Const([...bytes]);
}

function f64x2(value: number): number[] {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  for (let lane = 0; lane < 2; lane++) view.setFloat64(lane * 8, value, true);
  return op.v128Const([...bytes]);
}

function i32x4(lanes: readonly [number, number, number, number]): number[] {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  for (let lane = 0; lane < 4; lane++) view.setInt32(lane * 4, lanes[lane], true);
  return op.v128Const([...bytes]);
}

const SWAP_HALVES = op.i8x16Shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]);
const SWAP_PAIRS = op.i8x16Shuffle([4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11]);

// expf (Cephes): arguments above EXP_HI give +∞, below EXP_LO give 0 (e^−86.5 ≈ 2.6e−38, beneath every
// weight and activation that matters); in between 2^n stays a normal float (n from −125 to 127).
const EXP_HI = 88;
const EXP_LO = -86.5;
const LOG2E = Math.LOG2E;
const LN2_C1 = 0.693359375; // few bits, so n·C1 is exact
const LN2_C2 = -2.12194440e-4;
const EXP_P = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];

// erf (Abramowitz & Stegun 7.1.26): erf(a) = 1 − t·(A1 + t·(A2 + …)) · e^(−a²), t = 1 / (1 + P·a), a ≥ 0.
const ERF_P = 0.3275911;
const ERF_A = [1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592];

/** out = e^x for the four lanes of local x (NaN stays NaN); out, x and the temporaries are distinct locals. */
function expInto(x: number, out: number, t: { n: number; r: number; p: number }): Code {
  const { n, r, p } = t;
  const horner: Code = [f32x4(EXP_P[0])];
  for (const c of EXP_P.slice(1)) horner.push(op.get(r), op.f32x4Mul, f32x4(c), op.f32x4Add);
  return [
    op.get(x), f32x4(EXP_LO), op.f32x4Pmax, f32x4(EXP_HI), op.f32x4Pmin, op.set(r),
    op.get(r), f32x4(LOG2E), op.f32x4Mul, op.f32x4Nearest, op.set(n),
    op.get(r), op.get(n), f32x4(LN2_C1), op.f32x4Mul, op.f32x4Sub,
    op.get(n), f32x4(LN2_C2), op.f32x4Mul, op.f32x4Sub, op.set(r),
    ...horner, op.set(p),
    // y = p·r² + r + 1, then y·2^n with 2^n built from its exponent bits.
    op.get(p), op.get(r), op.get(r), op.f32x4Mul, op.f32x4Mul, op.get(r), op.f32x4Add, f32x4(1), op.f32x4Add,
    op.get(n), op.i32x4TruncSatF32x4S, i32x4([127, 127, 127, 127]), op.i32x4Add, op.i32(23), op.i32x4Shl,
    op.f32x4Mul, op.set(out),
    f32x4(Number.POSITIVE_INFINITY), op.get(out), op.get(x), f32x4(EXP_HI), op.f32x4Gt, op.v128Bitselect,
    op.get(x), f32x4(EXP_LO), op.f32x4Lt, op.v128AndNot, op.set(out),
  ];
}

/** Lanes of local v all set to the sum (l0 + l2) + (l1 + l3): the same bits in every lane, on every engine. */
function sumLanes(v: number): Code {
  return [
    op.get(v), op.get(v), op.get(v), SWAP_HALVES, op.f32x4Add, op.set(v),
    op.get(v), op.get(v), op.get(v), SWAP_PAIRS, op.f32x4Add, op.set(v),
  ];
}

/** `for (i = 0; i < end; i++) body` over a count held in local `end`. */
function rowLoop(i: number, end: number, body: Code): Code {
  return forLoop(i, [op.i32(0)], [op.get(end)], body);
}

function fn(name: string, L: Locals, code: Code): WasmFunction {
  return { name, params: L.params, locals: L.declare(), body: code.flat() };
}

function softmaxRows(): WasmFunction {
  const [X, ROWS, WIDTH, STRIDE] = [0, 1, 2, 3];
  const L = new Locals(4, 3, V128);
  const [r, row, c] = [L.i32(), L.i32(), L.i32()];
  const [m, s, v, e, widthV] = [L.other(), L.other(), L.other(), L.other(), L.other()];
  const t = { n: L.other(), r: L.other(), p: L.other() };
  const at = [op.get(row), op.get(c), op.i32(4), op.i32Mul, op.i32Add];
  // Lanes c…c+3 that lie inside the row's width.
  const inside = [i32x4([0, 1, 2, 3]), op.get(c), op.i32x4Splat, op.i32x4Add, op.get(widthV), op.i32x4LtS];
  const columns = (body: Code) => countedLoop(c, [op.get(STRIDE)], 4, body);
  return fn('softmax_rows', L, [
    op.get(WIDTH), op.i32x4Splat, op.set(widthV),
    ...rowLoop(r, ROWS, [
      op.get(X), op.get(r), op.get(STRIDE), op.i32Mul, op.i32(4), op.i32Mul, op.i32Add, op.set(row),
      f32x4(Number.NEGATIVE_INFINITY), op.set(m),
      ...columns([
        op.get(m), ...at, op.v128Load(0), f32x4(Number.NEGATIVE_INFINITY), ...inside, op.v128Bitselect,
        op.f32x4Pmax, op.set(m),
      ]),
      op.get(m), op.get(m), op.get(m), SWAP_HALVES, op.f32x4Pmax, op.set(m),
      op.get(m), op.get(m), op.get(m), SWAP_PAIRS, op.f32x4Pmax, op.set(m),
      f32x4(0), op.set(s),
      ...columns([
        ...at, op.v128Load(0), op.get(m), op.f32x4Sub, op.set(v),
        ...expInto(v, e, t),
        op.get(e), ...inside, op.v128And, op.set(e),
        ...at, op.get(e), op.v128Store(0),
        op.get(s), op.get(e), op.f32x4Add, op.set(s),
      ]),
      ...sumLanes(s),
      ...columns([...at, ...at, op.v128Load(0), op.get(s), op.f32x4Div, op.v128Store(0)]),
    ]),
  ]);
}

/** In place over `count` floats: out = f(v) per lane, with `body` computing local `out` from local `v`. */
function elementwise(name: string, L: Locals, v: number, out: number, body: Code): WasmFunction {
  const [X, COUNT] = [0, 1];
  const i = L.i32();
  const at = [op.get(X), op.get(i), op.i32(4), op.i32Mul, op.i32Add];
  return fn(name, L, [
    op.block, op.get(COUNT), op.i32Eqz, op.brIf(0),
    ...countedLoop(i, [op.get(COUNT)], 4, [
      ...at, op.v128Load(0), op.set(v), ...body, ...at, op.get(out), op.v128Store(0),
    ]),
    op.end,
  ]);
}

/** PyTorch's exact GELU, x·½·(1 + erf(x/√2)); 1 + erf(z) for z < 0 is computed as erfc(|z|), without cancellation. */
function gelu(): WasmFunction {
  const L = new Locals(2, 1, V128);
  const [v, out, z, a, tt, q, w, e] = [L.other(), L.other(), L.other(), L.other(), L.other(), L.other(), L.other(), L.other()];
  const t = { n: L.other(), r: L.other(), p: L.other() };
  const poly: Code = [f32x4(ERF_A[0])];
  for (const c of ERF_A.slice(1)) poly.push(op.get(tt), op.f32x4Mul, f32x4(c), op.f32x4Add);
  return elementwise('gelu', L, v, out, [
    op.get(v), f32x4(Math.SQRT1_2), op.f32x4Mul, op.set(z),
    op.get(z), op.f32x4Abs, op.set(a),
    f32x4(1), f32x4(1), f32x4(ERF_P), op.get(a), op.f32x4Mul, op.f32x4Add, op.f32x4Div, op.set(tt),
    ...poly, op.get(tt), op.f32x4Mul, op.set(q),
    op.get(a), op.get(a), op.f32x4Mul, op.f32x4Neg, op.set(w),
    ...expInto(w, e, t),
    // g = erfc(|z|); 1 + erf(z) = g for z < 0, 2 − g otherwise.
    op.get(q), op.get(e), op.f32x4Mul, op.set(q),
    op.get(q), f32x4(2), op.get(q), op.f32x4Sub, op.get(z), f32x4(0), op.f32x4Lt, op.v128Bitselect, op.set(q),
    op.get(v), f32x4(0.5), op.f32x4Mul, op.get(q), op.f32x4Mul, op.set(out),
  ]);
}

/** CLIP's QuickGELU x·σ(1.702x) = x / (1 + e^(−1.702x)). */
function quickGelu(): WasmFunction {
  const L = new Locals(2, 1, V128);
  const [v, out, w, e] = [L.other(), L.other(), L.other(), L.other()];
  const t = { n: L.other(), r: L.other(), p: L.other() };
  return elementwise('quick_gelu', L, v, out, [
    op.get(v), f32x4(-1.702), op.f32x4Mul, op.set(w),
    ...expInto(w, e, t),
    op.get(v), f32x4(1), op.get(e), op.f32x4Add, op.f32x4Div, op.set(out),
  ]);
}

/**
 * (x − mean) / √(var + eps) · gamma + beta per row, in float64 throughout (two passes, so a row whose mean
 * dwarfs its spread, as with a ViT's massive activations, loses nothing) and rounded once to float32.
 */
function layerNormRows(): WasmFunction {
  const [SRC, DST, ROWS, SRC_STRIDE, DST_STRIDE, WIDTH, GAMMA, BETA, EPS] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const L = new Locals(9, 4, V128);
  const [r, ps, pd, c] = [L.i32(), L.i32(), L.i32(), L.i32()];
  const [lo, hi, s0, s1, mean, inv, widthD] = [L.other(), L.other(), L.other(), L.other(), L.other(), L.other(), L.other()];
  const off = [op.get(c), op.i32(4), op.i32Mul, op.i32Add];
  const columns = (body: Code) => countedLoop(c, [op.get(WIDTH)], 4, body);
  /** Channels c…c+3 of base as float64 pairs: lo = c, c+1; hi = c+2, c+3. */
  const split = (base: Code) => [
    ...base, ...off, op.v128Load(0), op.set(hi),
    op.get(hi), op.f64x2PromoteLowF32x4, op.set(lo),
    op.get(hi), op.get(hi), SWAP_HALVES, op.f64x2PromoteLowF32x4, op.set(hi),
  ];
  const sumInto = (v: number) => [op.get(v), op.get(v), op.get(v), SWAP_HALVES, op.f64x2Add, op.set(v)];
  /** ((x − mean)·inv)·gamma + beta for the pair in local x, the gamma and beta pairs from `half`. */
  const normal = (x: number, half: Code) => [
    op.get(x), op.get(mean), op.f64x2Sub, op.get(inv), op.f64x2Mul,
    op.get(GAMMA), ...off, op.v128Load(0), ...half, op.f64x2PromoteLowF32x4, op.f64x2Mul,
    op.get(BETA), ...off, op.v128Load(0), ...half, op.f64x2PromoteLowF32x4, op.f64x2Add,
    op.f32x4DemoteF64x2Zero,
  ];
  const swapped = [op.i32(0), op.i32x4Splat, SWAP_HALVES]; // (v, 0) → v's high half in the low lanes
  return fn('layer_norm_rows', L, [
    op.get(WIDTH), op.i32x4Splat, op.f64x2ConvertLowI32x4S, op.set(widthD),
    ...rowLoop(r, ROWS, [
      op.get(SRC), op.get(r), op.get(SRC_STRIDE), op.i32Mul, op.i32Add, op.set(ps),
      op.get(DST), op.get(r), op.get(DST_STRIDE), op.i32Mul, op.i32Add, op.set(pd),
      f32x4(0), op.set(s0), f32x4(0), op.set(s1),
      ...columns([
        ...split([op.get(ps)]),
        op.get(s0), op.get(lo), op.f64x2Add, op.set(s0),
        op.get(s1), op.get(hi), op.f64x2Add, op.set(s1),
      ]),
      ...sumInto(s0), ...sumInto(s1),
      op.get(s0), op.get(s1), op.f64x2Add, op.get(widthD), op.f64x2Div, op.set(mean),
      f32x4(0), op.set(s0), f32x4(0), op.set(s1),
      ...columns([
        ...split([op.get(ps)]),
        op.get(lo), op.get(mean), op.f64x2Sub, op.set(lo),
        op.get(hi), op.get(mean), op.f64x2Sub, op.set(hi),
        op.get(s0), op.get(lo), op.get(lo), op.f64x2Mul, op.f64x2Add, op.set(s0),
        op.get(s1), op.get(hi), op.get(hi), op.f64x2Mul, op.f64x2Add, op.set(s1),
      ]),
      ...sumInto(s0), ...sumInto(s1),
      f64x2(1),
      op.get(s0), op.get(s1), op.f64x2Add, op.get(widthD), op.f64x2Div,
      op.get(EPS), op.i32x4Splat, op.f64x2PromoteLowF32x4, op.f64x2Add, op.f64x2Sqrt,
      op.f64x2Div, op.set(inv),
      ...columns([
        op.get(pd), ...off,
        ...split([op.get(ps)]),
        ...normal(lo, []),
        ...normal(hi, swapped),
        op.i8x16Shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]),
        op.v128Store(0),
      ]),
    ]),
  ]);
}

/**
 * PyTorch's MaxPool2d(3, stride 2, padding 1) over NHWC rows: output rows first…first+count−1 of the
 * n·ho rows of [ho, wo] outputs per image; out-of-bounds taps never win, and a NaN never replaces a number
 * (each step keeps the larger, as `if (v > m) m = v`).
 */
function maxPool3x3s2(): WasmFunction {
  const [SRC, DST, FIRST, COUNT, H, W, C, HO, WO] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const L = new Locals(9, 10, V128);
  const [row, img, oy, ox, iy, ix, ch, yEnd, xEnd, out] = Array.from({ length: 10 }, () => L.i32());
  const m = L.other();
  const clampLow = (v: Code) => [...v, op.i32(0), ...v, op.i32(0), op.i32GtS, op.select];
  const clampHigh = (v: Code, limit: number) => [...v, op.get(limit), ...v, op.get(limit), op.i32LtS, op.select];
  return fn('max_pool_3x3s2', L, [
    op.get(FIRST), op.set(row),
    op.block, op.loop,
    op.get(row), op.get(FIRST), op.get(COUNT), op.i32Add, op.i32GeU, op.brIf(1),
    op.get(row), op.get(HO), op.i32DivU, op.set(img),
    op.get(row), op.get(HO), op.i32RemU, op.set(oy),
    // Input rows 2·oy−1 … 2·oy+1 within 0 … H−1 (yEnd exclusive).
    ...clampHigh([op.get(oy), op.i32(2), op.i32Mul, op.i32(2), op.i32Add], H), op.set(yEnd),
    op.i32(0), op.set(ox),
    op.block, op.loop,
    op.get(ox), op.get(WO), op.i32GeU, op.brIf(1),
    ...clampHigh([op.get(ox), op.i32(2), op.i32Mul, op.i32(2), op.i32Add], W), op.set(xEnd),
    // out = dst + ((img·HO + oy)·WO + ox)·C·4
    op.get(DST), op.get(row), op.get(WO), op.i32Mul, op.get(ox), op.i32Add, op.get(C), op.i32Mul, op.i32(4),
    op.i32Mul, op.i32Add, op.set(out),
    ...countedLoop(ch, [op.get(C)], 4, [
      f32x4(Number.NEGATIVE_INFINITY), op.set(m),
      ...clampLow([op.get(oy), op.i32(2), op.i32Mul, op.i32(1), op.i32Sub]), op.set(iy),
      op.block, op.loop,
      op.get(iy), op.get(yEnd), op.i32GeS, op.brIf(1),
      ...clampLow([op.get(ox), op.i32(2), op.i32Mul, op.i32(1), op.i32Sub]), op.set(ix),
      op.block, op.loop,
      op.get(ix), op.get(xEnd), op.i32GeS, op.brIf(1),
      op.get(m),
      op.get(SRC), op.get(img), op.get(H), op.i32Mul, op.get(iy), op.i32Add, op.get(W), op.i32Mul, op.get(ix),
      op.i32Add, op.get(C), op.i32Mul, op.get(ch), op.i32Add, op.i32(4), op.i32Mul, op.i32Add, op.v128Load(0),
      op.f32x4Pmax, op.set(m),
      op.get(ix), op.i32(1), op.i32Add, op.set(ix), op.br(0), op.end, op.end,
      op.get(iy), op.i32(1), op.i32Add, op.set(iy), op.br(0), op.end, op.end,
      op.get(out), op.get(ch), op.i32(4), op.i32Mul, op.i32Add, op.get(m), op.v128Store(0),
    ]),
    op.get(ox), op.i32(1), op.i32Add, op.set(ox), op.br(0), op.end, op.end,
    op.get(row), op.i32(1), op.i32Add, op.set(row), op.br(0), op.end, op.end,
  ]);
}

/**
 * One attention head's K and V from qkv rows into the two scratch layers its products read: Kᵀ as a
 * [dh → keys] layer (panel q holds keys 8q…8q+7 for each of the dh inputs) and V as a [keys → dh] layer
 * (panel q holds channels 8q…8q+7 for each key), keys past T zero. Plain copies, no arithmetic.
 */
function packHead(): WasmFunction {
  const [SRC, KW, VW, T, KEYS, DH, ROW_BYTES, V_OFFSET] = [0, 1, 2, 3, 4, 5, 6, 7];
  const L = new Locals(8, 3, V128);
  const [t, d, from] = [L.i32(), L.i32(), L.i32()];
  const zeroFill = (base: number) =>
    countedLoop(t, [op.get(KEYS), op.get(DH), op.i32Mul], 4, [
      op.get(base), op.get(t), op.i32(4), op.i32Mul, op.i32Add, f32x4(0), op.v128Store(0),
    ]);
  return fn('pack_head', L, [
    ...zeroFill(KW),
    ...zeroFill(VW),
    ...rowLoop(t, T, [
      op.get(SRC), op.get(t), op.get(ROW_BYTES), op.i32Mul, op.i32Add, op.set(from),
      ...countedLoop(d, [op.get(DH)], 1, [
        // kw[((t >> 3)·dh + d)·8 + (t & 7)] = K[t][d]
        op.get(KW),
        op.get(t), op.i32(3), op.i32ShrU, op.get(DH), op.i32Mul, op.get(d), op.i32Add, op.i32(8), op.i32Mul,
        op.get(t), op.i32(7), op.i32And, op.i32Add, op.i32(4), op.i32Mul, op.i32Add,
        op.get(from), op.get(d), op.i32(4), op.i32Mul, op.i32Add, op.f32Load(0), op.f32Store(0),
        // vw[((d >> 3)·keys + t)·8 + (d & 7)] = V[t][d], V_OFFSET bytes after K[t][d]
        op.get(VW),
        op.get(d), op.i32(3), op.i32ShrU, op.get(KEYS), op.i32Mul, op.get(t), op.i32Add, op.i32(8), op.i32Mul,
        op.get(d), op.i32(7), op.i32And, op.i32Add, op.i32(4), op.i32Mul, op.i32Add,
        op.get(from), op.get(d), op.i32(4), op.i32Mul, op.i32Add, op.get(V_OFFSET), op.i32Add,
        op.f32Load(0), op.f32Store(0),
      ]),
    ]),
  ]);
}

export const VECTOR_OPS = ['softmax_rows', 'gelu', 'quick_gelu', 'layer_norm_rows', 'max_pool_3x3s2', 'pack_head'] as const;
export type VectorOp = (typeof VECTOR_OPS)[number];

export function vectorOpFunctions(): WasmFunction[] {
  return [softmaxRows(), gelu(), quickGelu(), layerNormRows(), maxPool3x3s2(), packHead()];
}
