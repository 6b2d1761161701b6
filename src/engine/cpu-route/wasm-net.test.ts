// The CPU route's layer: convolutions (any kernel, stride, padding, channel count) and linear layers through
// the indirect-GEMM kernel, against a float64 reference, and the same bits whatever the tile height, the
// thread count or the row block.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GemmEngine } from '../gemm/gemm.ts';
import { randomValues as random, referenceConv } from './conv-reference.ts';
import { twoTestEngines } from './test-engines.ts';
import { convOutputSize, WasmNet } from './wasm-net.ts';

interface ConvCase {
  n: number;
  size: number;
  cin: number;
  cout: number;
  kernel: number;
  stride: number;
  pad: number;
}

async function runConv(
  engine: GemmEngine,
  c: ConvCase,
  opts: { residual: boolean; relu: boolean; seed: number },
): Promise<Float32Array> {
  const x = random(c.n * c.size * c.size * c.cin, opts.seed);
  const w = random(c.kernel * c.kernel * c.cin * c.cout, opts.seed + 1);
  const bias = random(c.cout, opts.seed + 2);
  const o = convOutputSize(c.size, c.kernel, c.stride, c.pad);
  const net = await WasmNet.create(engine, w.length * 4);
  try {
    const layer = net.pack(w, bias, c.kernel * c.kernel, c.cin, c.cout);
    const input = net.activation(c.n * c.size * c.size, c.cin);
    net.f32(input.at, x.length).set(x);
    const out = net.activation(c.n * o * o, c.cout);
    const residual = opts.residual ? net.activation(out.rows, c.cout) : undefined;
    if (residual) net.f32(residual.at, out.rows * c.cout).set(random(out.rows * c.cout, opts.seed + 3));
    const taps =
      c.kernel === 1 && c.stride === 1
        ? net.rowsOf(input)
        : net.convTaps(input, {
            n: c.n,
            height: c.size,
            width: c.size,
            kernel: c.kernel,
            stride: c.stride,
            pad: c.pad,
          });
    await net.apply(layer, taps, out, { relu: opts.relu, residual });
    return net.f32(out.at, out.rows * c.cout).slice();
  } finally {
    net.dispose();
  }
}

const CASES: ConvCase[] = [
  { n: 2, size: 9, cin: 3, cout: 8, kernel: 7, stride: 2, pad: 3 }, // the stem: cin 3, not a multiple of 4
  { n: 1, size: 7, cin: 12, cout: 16, kernel: 3, stride: 1, pad: 1 },
  { n: 3, size: 8, cin: 8, cout: 24, kernel: 3, stride: 2, pad: 1 },
  { n: 2, size: 6, cin: 20, cout: 8, kernel: 1, stride: 1, pad: 0 }, // rows read themselves
  { n: 2, size: 7, cin: 16, cout: 32, kernel: 1, stride: 2, pad: 0 }, // downsample: 1×1 stride 2
  { n: 1, size: 5, cin: 5, cout: 8, kernel: 3, stride: 1, pad: 1 },
];

describe('CPU route layers (indirect GEMM)', () => {
  let engines: GemmEngine[] = [];

  beforeAll(async () => {
    engines = await twoTestEngines();
  });
  afterAll(() => {
    for (const e of engines) e.dispose();
  });

  for (const c of CASES) {
    for (const [residual, relu] of [
      [false, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`${c.kernel}×${c.kernel}/${c.stride} pad ${c.pad}, ${c.cin}→${c.cout}, n ${c.n}, ${c.size}px${residual ? ' + residual' : ''}${relu ? ' → relu' : ''}`, async () => {
        const seed = c.cin * 31 + c.cout;
        const x = random(c.n * c.size * c.size * c.cin, seed);
        const w = random(c.kernel * c.kernel * c.cin * c.cout, seed + 1);
        const bias = random(c.cout, seed + 2);
        const o = convOutputSize(c.size, c.kernel, c.stride, c.pad);
        const res = residual ? random(c.n * o * o * c.cout, seed + 3) : null;
        const ref = referenceConv({ ...c, height: c.size, width: c.size }, x, w, bias, res, relu);
        const [a, b] = await Promise.all(engines.map((e) => runConv(e, c, { residual, relu, seed })));
        expect(a.length).toBe(ref.value.length);
        // float32 sums of K terms: each rounding is ≤ 2⁻²⁴ of a partial sum, so |error| ≤ K·2⁻²⁴·Σ|terms|.
        const terms = c.kernel * c.kernel * c.cin + 2;
        for (let i = 0; i < a.length; i++) {
          expect(Math.abs(a[i] - ref.value[i])).toBeLessThanOrEqual(terms * 2 ** -24 * ref.scale[i] + 1e-30);
        }
        // The same bits with 6-row tiles on 3 threads as with 4-row tiles on 1.
        expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
      });
    }
  }

  it('a later batch of the same shape gets its indirection buffers copied, never a stale one', async () => {
    const net = await WasmNet.create(engines[0], 4096);
    try {
      const g = { n: 2, height: 7, width: 7, kernel: 3, stride: 2, pad: 1 };
      const contents = (ind: { at: number; rows: number; taps: number }) =>
        Array.from(net.i32(ind.at, Math.ceil(ind.rows / net.mr) * net.mr * ind.taps));
      const mark = net.mark();
      const x = net.activation(2 * 7 * 7, 8);
      const built = [contents(net.convTaps(x, g)), contents(net.rowsOf(x))];
      net.release(mark);
      const again = net.activation(2 * 7 * 7, 8);
      expect(again.at).toBe(x.at);
      expect([contents(net.convTaps(again, g)), contents(net.rowsOf(again))]).toEqual(built);
      // Another address or shape is another key: its buffer points into its own input.
      const other = net.activation(2 * 7 * 7, 8);
      const taps = contents(net.convTaps(other, g));
      const inside = (a: number) => a === net.zero || (a >= other.at && a < other.at + 2 * 7 * 7 * 8 * 4);
      expect(taps.every(inside)).toBe(true);
      const wide = contents(net.rowsOf({ ...again, channels: 16, rows: 49 }));
      expect(wide[1] - wide[0]).toBe(16 * 4);
    } finally {
      net.dispose();
    }
  });

  it('refuses output widths that are not a multiple of 8, so the caller falls back to tfjs', async () => {
    const net = await WasmNet.create(engines[0], 1024);
    try {
      expect(() => net.pack(new Float32Array(12), new Float32Array(4), 1, 3, 4)).toThrow(RangeError);
    } finally {
      net.dispose();
    }
  });
});
