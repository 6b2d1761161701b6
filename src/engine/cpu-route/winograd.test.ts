// Winograd F(2×2, 3×3) convolutions on the CPU route against a float64 direct convolution, with the bound its
// float32 arithmetic allows, and the same bits on 1 thread with 4-row tiles as on 3 threads with 6-row tiles.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GemmEngine } from '../gemm/gemm.ts';
import { randomValues as random, referenceConv } from './conv-reference.ts';
import { twoTestEngines } from './test-engines.ts';
import { WasmNet } from './wasm-net.ts';
import { WinogradConv, winogradKernels } from './winograd.ts';

async function run(
  engine: GemmEngine,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array,
  shape: number[],
  relu: boolean,
) {
  const [n, h, wd, cin, cout] = shape;
  const net = await WasmNet.create(engine, w.length * 8);
  try {
    const conv = WinogradConv.pack(net, w, bias, cin, cout);
    const input = net.activation(n * h * wd, cin);
    net.f32(input.at, x.length).set(x);
    const first = await conv.apply(net, input, n, h, wd, relu);
    const out = net.f32(first.at, n * h * wd * cout).slice();
    // A second call (memoised indirection buffers) gives the same bits.
    const again = await conv.apply(net, input, n, h, wd, relu);
    expect(Buffer.from(net.f32(again.at, out.length).slice().buffer).equals(Buffer.from(out.buffer))).toBe(
      true,
    );
    return out;
  } finally {
    net.dispose();
  }
}

describe('Winograd F(2×2, 3×3) on the CPU route', () => {
  let engines: GemmEngine[] = [];
  beforeAll(async () => {
    engines = await twoTestEngines();
  });
  afterAll(() => {
    for (const e of engines) e.dispose();
  });

  it('transforms each kernel as G g Gᵀ', () => {
    // One input and one output channel: g = 1…9 row-major.
    const g = Float32Array.from({ length: 9 }, (_, i) => i + 1);
    const u = winogradKernels(g, 1, 1).map((k) => k[0]);
    expect(Array.from(u.slice(0, 4))).toEqual([1, 3, 1, 3]); // row 0 of G g Gᵀ: g row 0 = 1 2 3 → (1, 3, 1, 3)
    expect(u[5]).toBeCloseTo((1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9) / 4, 12); // ½·½·Σg
  });

  for (const [n, h, wd, cin, cout, relu] of [
    [2, 7, 7, 8, 8, true], // odd map: the last row and column of tiles half outside
    [1, 6, 5, 12, 16, false],
    [3, 4, 4, 4, 24, true],
    [1, 1, 1, 16, 8, false], // one pixel: every other tap padding
  ] as const) {
    it(`${n}×${h}×${wd}, ${cin}→${cout}${relu ? ' → relu' : ''}: float64's value within the float32 bound, the same bits on 1 and 3 threads`, async () => {
      const seed = h * 31 + cin;
      const x = random(n * h * wd * cin, seed);
      const w = random(9 * cin * cout, seed + 1);
      const bias = random(cout, seed + 2);
      const shape = [n, h, wd, cin, cout];
      const geometry = { n, height: h, width: wd, cin, cout, kernel: 3, stride: 1, pad: 1 };
      const ref = referenceConv(geometry, x, w, bias, null, relu);
      const [a, b] = await Promise.all(engines.map((e) => run(e, x, w, bias, shape, relu)));
      // The transforms scale magnitudes by at most 3·3 (Aᵀ, A), 2·2 (Bᵀ, B) and 1.5·1.5 (G, Gᵀ): 81 times the
      // direct sum's Σ|terms|, and each output passes through at most cin + 12 float32 roundings.
      const bound = (i: number) => (cin + 12) * 2 ** -24 * 81 * ref.scale[i] + 1e-30;
      for (let i = 0; i < a.length; i++) {
        if (Math.abs(a[i] - ref.value[i]) > bound(i))
          throw new Error(`output ${i}: ${a[i]} vs ${ref.value[i]}`);
      }
      expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
    });
  }
});
