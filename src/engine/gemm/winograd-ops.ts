// biome-ignore-all format: the wasm instruction sequences read best a few instructions to a line, as written
// The two transforms of a Winograd F(2×2, 3×3) convolution (Lavin & Gray 2016) as WebAssembly SIMD over four
// channels at a time, in the conv kernel's module so the helper threads run them (src/engine/cpu-route/
// winograd.ts drives them; the 16 products between them are the conv kernel's). Only adds and subtracts, in a
// fixed order, plus the epilogue's bias add and ReLU max: the same bits on every engine and thread split.
//
// Exports (byte addresses; counts in tiles, channels in floats, multiples of 4):
//   winograd_in(ind, dst, first, count, tilePad, cin)
//       tile t's 16 input pixels are at the addresses ind[16t … 16t+15] (row-major 4×4, padding reads a zero
//       vector); writes V_ξ = (Bᵀ d B)_ξ to dst + ((ξ·tilePad + t)·cin + c)·4 for ξ = 0…15
//   winograd_out(m, ind, bias, first, count, tilePad, cout, relu)
//       reads M_ξ at m + ((ξ·tilePad + t)·cout + c)·4, writes Aᵀ M A + bias (→ ReLU) to the 2×2 output pixels
//       at the addresses ind[4t … 4t+3] (row-major; pixels past the map's edge point at a scratch sink)

import { I32, op, V128, type WasmFunction } from './wasm-bytes.ts';
import { type Code, countedLoop, forLoop } from './wasm-loops.ts';

/** a ± b into a new value on the stack. */
const sub = (a: number, b: number) => [op.get(a), op.get(b), op.f32x4Sub];
const add = (a: number, b: number) => [op.get(a), op.get(b), op.f32x4Add];

function winogradIn(): WasmFunction {
  const [IND, DST, FIRST, COUNT, TILE_PAD, CIN] = [0, 1, 2, 3, 4, 5];
  const [t, c, base] = [6, 7, 8];
  const d = (k: number) => 9 + k; // 16 v128 locals: the patch, then Bᵀd in place, then V in place
  const tmp = 9 + 16;
  const body: Code = [
    ...forLoop(t, [op.get(FIRST)], [op.get(FIRST), op.get(COUNT), op.i32Add], [
      op.get(IND), op.get(t), op.i32(64), op.i32Mul, op.i32Add, op.set(base),
      ...countedLoop(c, [op.get(CIN)], 4, [
        ...Array.from({ length: 16 }, (_, k) => [
          op.get(base), op.i32Load(k * 4), op.get(c), op.i32(4), op.i32Mul, op.i32Add, op.v128Load(0), op.set(d(k)),
        ]).flat(),
        // Bᵀd: for each column j, rows (d0 − d2, d1 + d2, d2 − d1, d1 − d3).
        ...[0, 1, 2, 3].flatMap((j) => {
          const [r0, r1, r2, r3] = [d(j), d(4 + j), d(8 + j), d(12 + j)];
          return [
            ...sub(r0, r2), op.set(r0), // d0 − d2
            ...sub(r2, r1), op.set(tmp), // d2 − d1
            ...add(r1, r2), op.set(r2), // d1 + d2 (row 1 of the result, kept in r2 for now)
            ...sub(r1, r3), op.set(r3), // d1 − d3
            op.get(r2), op.set(r1), op.get(tmp), op.set(r2),
          ];
        }),
        // (Bᵀd)B: for each row i, columns (t0 − t2, t1 + t2, t2 − t1, t1 − t3).
        ...[0, 1, 2, 3].flatMap((i) => {
          const [c0, c1, c2, c3] = [d(4 * i), d(4 * i + 1), d(4 * i + 2), d(4 * i + 3)];
          return [
            ...sub(c0, c2), op.set(c0),
            ...sub(c2, c1), op.set(tmp),
            ...add(c1, c2), op.set(c2),
            ...sub(c1, c3), op.set(c3),
            op.get(c2), op.set(c1), op.get(tmp), op.set(c2),
          ];
        }),
        ...Array.from({ length: 16 }, (_, k) => [
          op.get(DST), op.i32(k), op.get(TILE_PAD), op.i32Mul, op.get(t), op.i32Add, op.get(CIN), op.i32Mul,
          op.get(c), op.i32Add, op.i32(4), op.i32Mul, op.i32Add, op.get(d(k)), op.v128Store(0),
        ]).flat(),
      ]),
    ]),
  ];
  return {
    name: 'winograd_in',
    params: 6,
    locals: [{ count: 3, type: I32 }, { count: 17, type: V128 }],
    body: body.flat(),
  };
}

function winogradOut(): WasmFunction {
  const [M, IND, BIAS, FIRST, COUNT, TILE_PAD, COUT, RELU] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [t, c, base] = [8, 9, 10];
  const m = (k: number) => 11 + k; // 16 v128 locals
  const [s0, s1, b] = [11 + 16, 11 + 17, 11 + 18]; // one column's Aᵀm, the bias
  const body: Code = [
    ...forLoop(t, [op.get(FIRST)], [op.get(FIRST), op.get(COUNT), op.i32Add], [
      op.get(IND), op.get(t), op.i32(16), op.i32Mul, op.i32Add, op.set(base),
      ...countedLoop(c, [op.get(COUT)], 4, [
        ...Array.from({ length: 16 }, (_, k) => [
          op.get(M), op.i32(k), op.get(TILE_PAD), op.i32Mul, op.get(t), op.i32Add, op.get(COUT), op.i32Mul,
          op.get(c), op.i32Add, op.i32(4), op.i32Mul, op.i32Add, op.v128Load(0), op.set(m(k)),
        ]).flat(),
        // Aᵀm per column j: (m0 + m1 + m2, m1 − m2 − m3), into rows 0 and 1 of the 2×4 result.
        ...[0, 1, 2, 3].flatMap((j) => {
          const [r0, r1, r2, r3] = [m(j), m(4 + j), m(8 + j), m(12 + j)];
          return [
            ...add(r0, r1), op.get(r2), op.f32x4Add, op.set(s0),
            ...sub(r1, r2), op.get(r3), op.f32x4Sub, op.set(s1),
            op.get(s0), op.set(r0), op.get(s1), op.set(r1),
          ];
        }),
        op.get(BIAS), op.get(c), op.i32(4), op.i32Mul, op.i32Add, op.v128Load(0), op.set(b),
        // (Aᵀm)A per row r: (s0 + s1 + s2, s1 − s2 − s3), + bias, → ReLU, to output pixel (r, 0) and (r, 1).
        ...[0, 1].flatMap((r) => {
          const [c0, c1, c2, c3] = [m(4 * r), m(4 * r + 1), m(4 * r + 2), m(4 * r + 3)];
          const store = (pixel: number, value: Code) => [
            op.get(base), op.i32Load(pixel * 4), op.get(c), op.i32(4), op.i32Mul, op.i32Add,
            ...value, op.get(b), op.f32x4Add,
            // ReLU when asked: max(y, 0) keeps a NaN (IEEE max), as the conv kernel's epilogue.
            op.set(s0), op.get(s0), op.get(s0), op.v128Zero, op.f32x4Max, op.get(RELU), op.i32Eqz, op.select,
            op.v128Store(0),
          ];
          return [
            ...store(2 * r, [...add(c0, c1), op.get(c2), op.f32x4Add]),
            ...store(2 * r + 1, [...sub(c1, c2), op.get(c3), op.f32x4Sub]),
          ];
        }),
      ]),
    ]),
  ];
  return {
    name: 'winograd_out',
    params: 8,
    locals: [{ count: 3, type: I32 }, { count: 19, type: V128 }],
    body: body.flat(),
  };
}

export function winogradFunctions(): WasmFunction[] {
  return [winogradIn(), winogradOut()];
}
