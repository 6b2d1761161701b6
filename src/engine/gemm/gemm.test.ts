import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.ts';
import { GemmEngine } from './gemm.ts';
import { kernelSupport } from './kernel.ts';
import { columnPanels } from './pack.ts';

function randomMatrix(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.nextFloat() * 2 - 1);
}

/** A·B in float64 with the bound Σ|a||b| that float32 rounding error scales with. */
function reference(a: Float32Array, b: Float32Array, rows: number, cols: number, k: number) {
  const value = new Float64Array(rows * k);
  const scale = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++)
    for (let l = 0; l < cols; l++)
      for (let j = 0; j < k; j++) {
        value[i * k + j] += a[i * cols + l] * b[l * k + j];
        scale[i * k + j] += Math.abs(a[i * cols + l] * b[l * k + j]);
      }
  return { value, scale };
}

function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}

// Rows not a multiple of the 6-row panel, k covering no / a narrow (≤ 4) / a padded wide last panel.
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [7, 5, 3],
  [13, 9, 12],
  [25, 17, 13],
  [50, 33, 100],
  [6, 64, 8],
];

describe('columnPanels', () => {
  it('cuts k into panels of 8 and at most one panel of 4', () => {
    expect(columnPanels(1)).toEqual({ wide: 0, narrow: true, width: 4 });
    expect(columnPanels(8)).toEqual({ wide: 1, narrow: false, width: 8 });
    expect(columnPanels(10)).toEqual({ wide: 1, narrow: true, width: 12 });
    expect(columnPanels(15)).toEqual({ wide: 2, narrow: false, width: 16 });
    expect(columnPanels(100)).toEqual({ wide: 12, narrow: true, width: 100 });
  });
});

describe('GEMM engine', () => {
  let single: GemmEngine;
  let threaded: GemmEngine;

  beforeAll(async () => {
    // One engine with FMA (relaxed SIMD, opt-in for benchmarks) and 6-row tiles, one with plain SIMD multiply
    // and add (the default) and 4-row tiles.
    const one = await GemmEngine.create({ threads: 1, fma: true, tileRows: 6 });
    const two = await GemmEngine.create({ threads: 3, fma: false, tileRows: 4 });
    if (!one || !two) throw new Error('WebAssembly SIMD is missing from this Node; the lab needs Node ≥ 20');
    single = one;
    threaded = two;
  });
  afterAll(() => {
    single.dispose();
    threaded.dispose();
  });

  it('uses helper threads in Node (shared memory is always allowed there)', () => {
    expect(single.threads).toBe(1);
    expect(threaded.threads).toBe(3);
    expect(threaded.shared).toBe(true);
  });

  for (const [rows, cols, k] of SHAPES) {
    it(`multiplies ${rows} × ${cols} by ${cols} × ${k} to float32 accuracy, A given plain or transposed`, async () => {
      const a = randomMatrix(rows * cols, rows * 1000 + cols);
      const b = randomMatrix(cols * k, k);
      const { value, scale } = reference(a, b, rows, cols, k);
      for (const [engine, src, transposed] of [
        [single, a, false],
        [threaded, a, false],
        [threaded, transpose(a, rows, cols), true],
      ] as const) {
        const m = engine.matrix(src, rows, cols, k, transposed);
        const c = await m.multiply(b, k);
        m.dispose();
        expect(c.length).toBe(rows * k);
        for (let i = 0; i < c.length; i++)
          expect(Math.abs(c[i] - value[i])).toBeLessThanOrEqual(1e-6 * scale[i] + 1e-30);
      }
    });
  }

  it('gives bit-identical results on one thread and on three, with 4- and with 6-row tiles', async () => {
    const [rows, cols, k] = [97, 41, 10];
    const a = randomMatrix(rows * cols, 5);
    const b = randomMatrix(cols * k, 6);
    const results: Float32Array[] = [];
    for (const fma of [false, true]) {
      for (const [threads, tileRows] of [
        [1, 6],
        [3, 4],
        [2, 6],
      ] as const) {
        const engine = await GemmEngine.create({ threads, fma, tileRows });
        const m = engine?.matrix(a, rows, cols, k);
        results.push((await m?.multiply(b, k)) ?? new Float32Array(0));
        engine?.dispose();
      }
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    expect(results[4]).toEqual(results[3]);
    expect(results[5]).toEqual(results[3]);
    expect(results[3]).not.toEqual(results[0]); // FMA rounds once per step, mul + add twice
  });

  it('picks a tile height by timing and says what it runs: mul+add unless FMA is asked for', async () => {
    const engine = await GemmEngine.create({ threads: 2 });
    expect([4, 6]).toContain(engine?.tileRows);
    expect(engine?.describe()).toMatch(/^wasm-gemm \((4|6)×8 tiles, mul\+add, 2 threads\)$/);
    engine?.dispose();
  });

  // c_ij = fl(fl(c + fl(a_il · b_lj))) over l = 0, 1, …: what f32x4.mul + f32x4.add must give by the
  // WebAssembly spec, on any engine, CPU, tile height or thread count. Math.fround is exact IEEE rounding.
  function sequentialProduct(a: Float32Array, b: Float32Array, rows: number, cols: number, k: number) {
    const want = new Float32Array(rows * k);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < k; j++) {
        let c = 0;
        for (let l = 0; l < cols; l++) c = Math.fround(c + Math.fround(a[i * cols + l] * b[l * k + j]));
        want[i * k + j] = c;
      }
    }
    return want;
  }

  // 13 columns: two wide panels. 10 columns over 1,500 rows of B: a wide and a narrow panel, with A long
  // enough that its row panels go in several blocks (TAIL_BLOCK_PANELS), which three threads'
  // shares cut across.
  // 1, 3, 9 and 11 columns: the 1–3-column kernels alone and after a wide panel (and 12: the 4-column one).
  for (const [rows, cols, k, threadCounts] of [
    [53, 67, 13, [1, 2]],
    [203, 1500, 10, [1, 3]],
    [31, 45, 1, [1, 2]],
    [29, 50, 3, [1, 3]],
    [47, 33, 9, [1, 2]],
    [26, 19, 11, [1, 3]],
    [22, 40, 12, [1, 2]],
  ] as const) {
    it(`by default gives exactly the IEEE float32 sequential sums, bit for bit (${rows} × ${cols} × ${k})`, async () => {
      const a = randomMatrix(rows * cols, 11);
      const b = randomMatrix(cols * k, 12);
      const want = sequentialProduct(a, b, rows, cols, k);
      for (const threads of threadCounts) {
        for (const tileRows of [4, 6] as const) {
          const engine = await GemmEngine.create({ threads, tileRows });
          const m = engine!.matrix(a, rows, cols, k);
          expect(await m.multiply(b, k)).toEqual(want);
          const t = engine!.matrix(transpose(a, rows, cols), rows, cols, k, true);
          expect(await t.multiply(b, k)).toEqual(want);
          engine!.dispose();
        }
      }
    });
  }

  it('multiplies the same packed A by many B of any width up to maxK', async () => {
    const [rows, cols] = [20, 11];
    const a = randomMatrix(rows * cols, 8);
    const m = threaded.matrix(a, rows, cols, 9);
    for (const k of [9, 1, 4, 5]) {
      const b = randomMatrix(cols * k, k + 10);
      const { value, scale } = reference(a, b, rows, cols, k);
      const c = await m.multiply(b, k);
      for (let i = 0; i < c.length; i++)
        expect(Math.abs(c[i] - value[i])).toBeLessThanOrEqual(1e-6 * scale[i] + 1e-30);
    }
    await expect(m.multiply(randomMatrix(cols * 10, 1), 10)).rejects.toThrow(/outside 1\.\.9/);
    m.dispose();
    await expect(m.multiply(randomMatrix(cols, 1), 1)).rejects.toThrow(/after dispose/);
  });

  it("takes its default thread count from TLAB_THREADS (the CLI's setting), refusing nonsense", async () => {
    const before = process.env.TLAB_THREADS;
    try {
      process.env.TLAB_THREADS = '1';
      const one = await GemmEngine.create({ tileRows: 4 });
      expect(one?.threads).toBe(1);
      one?.dispose();
      process.env.TLAB_THREADS = '2';
      const two = await GemmEngine.create({ tileRows: 4 });
      expect(two?.threads).toBe(2);
      two?.dispose();
      process.env.TLAB_THREADS = 'many';
      await expect(GemmEngine.create({ tileRows: 4 })).rejects.toThrow(
        /TLAB_THREADS must be a positive integer/,
      );
    } finally {
      if (before === undefined) delete process.env.TLAB_THREADS;
      else process.env.TLAB_THREADS = before;
    }
  });

  it('runs the FMA kernel when asked, where the engine has relaxed SIMD (Node 20: turned on by create)', () => {
    expect(kernelSupport()).toEqual({ simd: true, fma: true });
    expect(single.fma).toBe(true);
    expect(threaded.fma).toBe(false);
  });
});
