// biome-ignore-all format: the wasm instruction sequences read best a few instructions to a line, as written
// The n × K part of a line-search trial (softmaxCrossEntropyAlong in core/metrics) as WebAssembly over a range
// of rows, so the GEMM's helper threads share it: in JavaScript it ran on the calling thread alone while the
// second core idled (about a third of an iteration at 10 classes, docs/probes.md).
//
// Same bits as the JavaScript: every step is the same IEEE 754 double operation in the same order (wasm's f64
// arithmetic is exact IEEE, never fused), exp is fdlibm's e_exp.c exactly as core/math/fdlibm.ts writes it,
// and everything a row contributes to a sum is written out, not summed here: the host takes log/log1p once per
// row and adds the rows' terms and the products residual·direction in row order, which is the sequence of
// additions the JavaScript makes. So the split over threads changes nothing.
//
// Export rows(base, dir, z, residual, labels, stats, prod, k, first, count, hasDir, stpAt) over rows
// first … first + count − 1 (byte addresses; float64 unless said):
//   z = base + stp·dir (dir only when hasDir ≠ 0; stp is the float64 at stpAt), written to z (may be base);
//   e_c = exp(z_c − max z); stats[3i…3i+2] = max, Σ e, Σ_{c≠y} e;
//   r_c = e_c / Σ e with e_y replaced by −Σ_{c≠y} e; residual (float32) = r, or 0 where |r| < 2^−126;
//   prod = r · dir (when hasDir; else prod holds r).
// Export exp(src, dst, count): dst = e^src for count float64s (tests compare it with fdlibm.ts).

import { EXP_CONSTANTS, fromWords } from '../../core/math/fdlibm.ts';
import { FLOAT32_MIN_NORMAL } from '../../core/metrics/softmax-cross-entropy.ts';
import { F64, op, type WasmFunction, wasmModule } from '../gemm/wasm-bytes.ts';
import { type Code, forLoop, Locals } from '../gemm/wasm-loops.ts';

const { LN2_HI, LN2_LO, O_THRESHOLD, U_THRESHOLD, INV_LN2, P } = EXP_CONSTANTS;
// fdlibm tests the high word of |x|; for non-negative doubles the order of values is the order of their bits,
// so `high word ≥ h` is `|x| ≥ fromWords(h, 0)`.
const BIG = fromWords(0x40862e42, 0); // |x| ≥ 709.78: NaN, ±Infinity, overflow or underflow
const REDUCE = fromWords(0x3fd62e43, 0); // |x| > ln2 / 2
const ONE_STEP = fromWords(0x3ff0a2b2, 0); // |x| < 1.5 ln2
const TINY = fromWords(0x3e300000, 0); // |x| < 2^−28

interface ExpLocals {
  ax: number;
  hi: number;
  lo: number;
  kf: number;
  t: number;
  c: number;
  y: number;
  k: number;
  neg: number;
}

function expLocals(L: Locals): ExpLocals {
  return { ax: L.other(), hi: L.other(), lo: L.other(), kf: L.other(), t: L.other(), c: L.other(), y: L.other(), k: L.i32(), neg: L.i32() };
}

/** 2^k for the i32 on the stack's top, k in [−1022, 1023], from its exponent bits. */
const TWO_TO: Code = [op.i32(1023), op.i32Add, op.i64ExtendI32S, op.i64Const(52), op.i64Shl, op.f64ReinterpretI64];

/** out = e^x for local x (overwritten), fdlibm's e_exp.c step by step (fdlibm.ts `exp`). */
function expInto(x: number, out: number, t: ExpLocals): Code {
  const set = (local: number, value: Code): Code => [...value, op.set(local)];
  const f = op.f64Const;
  const g = op.get;
  const horner: Code = [f(P[4])];
  for (const p of [P[3], P[2], P[1], P[0]]) horner.push(g(t.t), op.f64Mul, f(p), op.f64Add);
  return [
    op.block,
    ...set(t.neg, [g(x), f(0), op.f64Lt]),
    ...set(t.ax, [g(x), op.f64Abs]),
    g(t.ax), f(BIG), op.f64Lt, op.i32Eqz, op.if,
      g(x), g(x), op.f64Ne, op.if, ...set(out, [g(x), g(x), op.f64Add]), op.br(2), op.end,
      g(t.ax), f(Number.POSITIVE_INFINITY), op.f64Eq, op.if,
        ...set(out, [f(0), g(x), g(t.neg), op.select]), op.br(2), op.end,
      g(x), f(O_THRESHOLD), op.f64Gt, op.if, ...set(out, [f(Number.POSITIVE_INFINITY)]), op.br(2), op.end,
      g(x), f(U_THRESHOLD), op.f64Lt, op.if, ...set(out, [f(0)]), op.br(2), op.end,
    op.end,
    ...set(t.k, [op.i32(0)]), ...set(t.hi, [f(0)]), ...set(t.lo, [f(0)]),
    g(t.ax), f(REDUCE), op.f64Ge, op.if,
      g(t.ax), f(ONE_STEP), op.f64Lt, op.if,
        ...set(t.hi, [g(x), f(LN2_HI), op.f64Add, g(x), f(LN2_HI), op.f64Sub, g(t.neg), op.select]),
        ...set(t.lo, [f(-LN2_LO), f(LN2_LO), g(t.neg), op.select]),
        ...set(t.k, [op.i32(-1), op.i32(1), g(t.neg), op.select]),
      op.else,
        ...set(t.kf, [f(INV_LN2), g(x), op.f64Mul, f(-0.5), f(0.5), g(t.neg), op.select, op.f64Add, op.f64Trunc]),
        ...set(t.k, [g(t.kf), op.i32TruncF64S]),
        ...set(t.hi, [g(x), g(t.kf), f(LN2_HI), op.f64Mul, op.f64Sub]),
        ...set(t.lo, [g(t.kf), f(LN2_LO), op.f64Mul]),
      op.end,
      ...set(x, [g(t.hi), g(t.lo), op.f64Sub]),
    op.else,
      g(t.ax), f(TINY), op.f64Lt, op.if, ...set(out, [f(1), g(x), op.f64Add]), op.br(2), op.end,
    op.end,
    ...set(t.t, [g(x), g(x), op.f64Mul]),
    ...set(t.c, [g(x), g(t.t), ...horner, op.f64Mul, op.f64Sub]),
    g(t.k), op.i32Eqz, op.if,
      ...set(out, [f(1), g(x), g(t.c), op.f64Mul, g(t.c), f(2), op.f64Sub, op.f64Div, g(x), op.f64Sub, op.f64Sub]),
      op.br(1),
    op.end,
    ...set(t.y, [f(1), g(t.lo), g(x), g(t.c), op.f64Mul, f(2), g(t.c), op.f64Sub, op.f64Div, op.f64Sub, g(t.hi), op.f64Sub, op.f64Sub]),
    g(t.k), op.i32(-1021), op.i32GeS, op.if,
      // k = 1024 only just below the overflow threshold: y·2·2^1023; else y·2^k.
      g(t.k), op.i32(1024), op.i32Eq, op.if,
        ...set(out, [g(t.y), f(2), op.f64Mul, f(2 ** 1023), op.f64Mul]),
      op.else,
        ...set(out, [g(t.y), g(t.k), ...TWO_TO, op.f64Mul]),
      op.end,
    op.else,
      ...set(out, [g(t.y), g(t.k), op.i32(1000), op.i32Add, ...TWO_TO, op.f64Mul, op.i32(-1000), ...TWO_TO, op.f64Mul]),
    op.end,
    op.end,
  ];
}

function expFunction(): WasmFunction {
  const [SRC, DST, COUNT] = [0, 1, 2];
  const L = new Locals(3, 3, F64);
  const i = L.i32();
  const x = L.other();
  const out = L.other();
  const t = expLocals(L);
  const at = (base: number): Code => [op.get(base), op.get(i), op.i32(3), op.i32Shl, op.i32Add];
  const body = forLoop(i, [op.i32(0)], [op.get(COUNT)], [
    ...at(SRC), op.f64Load(0), op.set(x),
    ...expInto(x, out, t),
    ...at(DST), op.get(out), op.f64Store(0),
  ]);
  return { name: 'exp', params: 3, locals: L.declare(), body: body.flat() };
}

function rowsFunction(): WasmFunction {
  const [BASE, DIR, Z, RES, LABELS, STATS, PROD, K, FIRST, COUNT, HAS_DIR, STP_AT] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const L = new Locals(12, 10, F64);
  const [i, c, end, y, pb, pd, pz, pp] = [L.i32(), L.i32(), L.i32(), L.i32(), L.i32(), L.i32(), L.i32(), L.i32()];
  const [stp, max, v, sum, others, e, r, x] = [L.other(), L.other(), L.other(), L.other(), L.other(), L.other(), L.other(), L.other()];
  const t = expLocals(L);
  const g = op.get;
  /** Byte address of element c of the row at local p (float64), or of the residual row (float32). */
  const at8 = (p: number): Code => [g(p), g(c), op.i32(3), op.i32Shl, op.i32Add];
  const resAt: Code = [g(RES), g(i), g(K), op.i32Mul, g(c), op.i32Add, op.i32(2), op.i32Shl, op.i32Add];
  const rowOf = (base: number, p: number): Code => [g(base), g(i), g(K), op.i32Mul, op.i32(3), op.i32Shl, op.i32Add, op.set(p)];
  const overRow = (body: Code): Code => forLoop(c, [op.i32(0)], [g(K)], body);
  const body: Code = [
    g(STP_AT), op.f64Load(0), op.set(stp),
    g(FIRST), g(COUNT), op.i32Add, op.set(end),
    ...forLoop(i, [g(FIRST)], [g(end)], [
      ...rowOf(BASE, pb), ...rowOf(DIR, pd), ...rowOf(Z, pz), ...rowOf(PROD, pp),
      op.f64Const(Number.NEGATIVE_INFINITY), op.set(max),
      ...overRow([
        ...at8(pb), op.f64Load(0), op.set(v),
        g(HAS_DIR), op.if, g(v), g(stp), ...at8(pd), op.f64Load(0), op.f64Mul, op.f64Add, op.set(v), op.end,
        ...at8(pz), g(v), op.f64Store(0),
        g(v), g(max), g(v), g(max), op.f64Gt, op.select, op.set(max),
      ]),
      op.f64Const(0), op.set(sum), op.f64Const(0), op.set(others),
      g(LABELS), g(i), op.i32(2), op.i32Shl, op.i32Add, op.i32Load(0), op.set(y),
      ...overRow([
        ...at8(pz), op.f64Load(0), g(max), op.f64Sub, op.set(x),
        ...expInto(x, e, t),
        ...at8(pp), g(e), op.f64Store(0),
        g(sum), g(e), op.f64Add, op.set(sum),
        g(c), g(y), op.i32Ne, op.if, g(others), g(e), op.f64Add, op.set(others), op.end,
      ]),
      g(STATS), g(i), op.i32(24), op.i32Mul, op.i32Add, op.set(pb),
      g(pb), g(max), op.f64Store(0), g(pb), g(sum), op.f64Store(8), g(pb), g(others), op.f64Store(16),
      g(pp), g(y), op.i32(3), op.i32Shl, op.i32Add, g(others), op.f64Neg, op.f64Store(0),
      ...overRow([
        ...at8(pp), op.f64Load(0), g(sum), op.f64Div, op.set(r),
        ...resAt,
        op.f64Const(0), op.f32DemoteF64, g(r), op.f32DemoteF64,
        g(r), op.f64Const(-FLOAT32_MIN_NORMAL), op.f64Gt, g(r), op.f64Const(FLOAT32_MIN_NORMAL), op.f64Lt, op.i32And,
        op.select, op.f32Store(0),
        g(r), op.set(v),
        g(HAS_DIR), op.if, g(r), ...at8(pd), op.f64Load(0), op.f64Mul, op.set(v), op.end,
        ...at8(pp), g(v), op.f64Store(0),
      ]),
    ]),
  ];
  return { name: 'rows', params: 12, locals: L.declare(), body: body.flat() };
}

/** The module's bytes: exports `rows` and `exp` on an imported memory (shared when helpers use it). */
export function lineRowsModuleBytes(shared: boolean): Uint8Array {
  return wasmModule([rowsFunction(), expFunction()], shared);
}
