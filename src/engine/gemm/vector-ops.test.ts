import { describe, expect, it } from 'vitest';
import { erf } from '../../core/math/fdlibm.ts';
import { vectorOpFunctions } from './vector-ops.ts';
import { wasmModule } from './wasm-bytes.ts';

type Ops = Record<string, (...args: number[]) => void>;

function instance(): { ops: Ops; f32: Float32Array } {
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 64 });
  const module = new WebAssembly.Module(wasmModule(vectorOpFunctions(), false) as BufferSource);
  const ops = new WebAssembly.Instance(module, { env: { memory } }).exports as Ops;
  return { ops, f32: new Float32Array(memory.buffer) };
}

/** Values over [−lo, hi] plus the special ones, as float32. */
function inputs(count: number, span: number): Float32Array {
  const x = Float32Array.from({ length: count }, (_, i) => (i / count - 0.5) * 2 * span);
  x.set([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0, 1e-30, -1e-30, 3e-39]);
  return x;
}

const ULP = 2 ** -23;

/** Runs the element-wise op `name` in place over `x`; lanes 3 on (0–2 are NaN and ±∞) within bound(v, ref) of ref(v). */
function checkElementwise(
  name: string,
  x: Float32Array,
  ref: (v: number) => number,
  bound: (v: number, ref: number) => number,
): Float32Array {
  const { ops, f32 } = instance();
  f32.set(x);
  ops[name](0, x.length);
  for (let i = 3; i < x.length; i++) {
    const r = ref(x[i]);
    if (Math.abs(f32[i] - r) > bound(x[i], r))
      throw new Error(`${name}(${x[i]}) = ${f32[i]}, reference ${r}`);
  }
  return f32.slice(0, x.length);
}

describe('the ViT vector ops (WebAssembly SIMD, IEEE-exact operations only)', () => {
  it('GELU is x·½·(1 + erf(x/√2)) within the erf approximation and float32 rounding', () => {
    const out = checkElementwise(
      'gelu',
      inputs(1 << 15, 12),
      (v) => v * 0.5 * (1 + erf(v * Math.SQRT1_2)),
      // A&S 7.1.26 is within 1.5e-7 of erf; about six float32 roundings of values ≤ 2 add ≤ 6·2·2^−24.
      (v, ref) => 0.5 * Math.abs(v) * (1.5e-7 + 12 * ULP) + Math.abs(ref) * ULP + 1e-45,
    );
    expect(out[0]).toBeNaN();
    expect(out[1]).toBe(Number.POSITIVE_INFINITY);
    expect(out[3]).toBe(0);
  });

  it('QuickGELU is x / (1 + e^(−1.702x)) within a few ulp', () => {
    const out = checkElementwise(
      'quick_gelu',
      inputs(1 << 15, 60),
      // The argument is rounded to float32 first (as PyTorch's float32 graph does): e^w magnifies its
      // rounding by |w|, which is conditioning, not error.
      (v) => v / (1 + Math.exp(Math.fround(Math.fround(-1.702) * v))),
      // expf is within about 2 ulp; the add and the divide round once each.
      // Past e^88 the exponential is +∞ by design, so results under |x|·e^−88 (< 1e−36 here) become 0.
      (_, ref) => Math.abs(ref) * 8 * ULP + 1e-36,
    );
    expect(out[0]).toBeNaN();
    expect(out[1]).toBe(Number.POSITIVE_INFINITY);
  });

  it('softmax of each row over its width, zero past it, rows independent of each other', () => {
    const { ops, f32 } = instance();
    const [rows, width, stride] = [7, 197, 200];
    const x = Float32Array.from({ length: rows * stride }, (_, i) => Math.sin(i * 0.37) * 30 + (i % 7));
    x[stride * 3 + 5] = -1e30; // a weight that underflows
    f32.set(x);
    ops.softmax_rows(0, rows, width, stride);
    const whole = f32.slice(0, rows * stride);
    for (let r = 0; r < rows; r++) {
      const row = Array.from(x.subarray(r * stride, r * stride + width));
      const max = Math.max(...row);
      const sum = row.reduce((s, v) => s + Math.exp(v - max), 0);
      row.forEach((v, c) => {
        const ref = Math.exp(v - max) / sum;
        // expf ~2 ulp, a float32 sum of ≤ 197 terms (≤ 197 ulp relative), one divide.
        const bound = ref * (4 + width) * ULP + 1e-38;
        if (Math.abs(whole[r * stride + c] - ref) > bound) throw new Error(`row ${r} col ${c}`);
      });
      for (let c = width; c < stride; c++) expect(whole[r * stride + c]).toBe(0);
    }
    // Row by row (as another thread split would run them) gives the same bits.
    f32.set(x);
    for (let r = rows - 1; r >= 0; r--) ops.softmax_rows(r * stride * 4, 1, width, stride);
    expect(f32.slice(0, rows * stride)).toEqual(whole);
  });

  it('a NaN score makes its row NaN instead of hiding it', () => {
    const { ops, f32 } = instance();
    f32.set(Float32Array.from({ length: 16 }, (_, i) => i));
    f32[2] = Number.NaN;
    ops.softmax_rows(0, 2, 8, 8);
    for (let c = 0; c < 8; c++) expect(f32[c]).toBeNaN();
    expect(Number.isNaN(f32[8])).toBe(false);
  });

  it("packs one attention head's K and V into the layouts its two products read, keys past T zero", () => {
    const { ops, f32 } = instance();
    const [T, keys, dh, D] = [11, 16, 16, 48]; // qkv rows of 3·D floats; this head's K at D + 16, V at 2D + 16
    const qkv = Float32Array.from({ length: T * 3 * D }, (_, i) => i + 0.5);
    f32.set(qkv);
    const [kw, vw] = [4 * 10000, 4 * 12000];
    f32.fill(Number.NaN, kw / 4, kw / 4 + keys * dh);
    f32.fill(Number.NaN, vw / 4, vw / 4 + keys * dh);
    ops.pack_head((D + 16) * 4, kw, vw, T, keys, dh, 3 * D * 4, D * 4);
    const K = (t: number, d: number) => (t < T ? qkv[t * 3 * D + D + 16 + d] : 0);
    const V = (t: number, d: number) => (t < T ? qkv[t * 3 * D + 2 * D + 16 + d] : 0);
    for (let t = 0; t < keys; t++) {
      for (let d = 0; d < dh; d++) {
        expect(f32[kw / 4 + ((t >> 3) * dh + d) * 8 + (t & 7)]).toBe(K(t, d));
        expect(f32[vw / 4 + ((d >> 3) * keys + t) * 8 + (d & 7)]).toBe(V(t, d));
      }
    }
  });

  it('LayerNorm of strided rows into packed rows in float64, rounded once (a mean 240 spreads wide loses nothing)', () => {
    const { ops, f32 } = instance();
    const [rows, width, stride] = [5, 768, 3];
    const x = Float32Array.from({ length: rows * stride * width }, (_, i) => Math.cos(i * 0.1) * 3 + 500);
    x[7] = 4000; // one massive activation
    const gamma = Float32Array.from({ length: width }, (_, i) => 1 + i / width);
    const beta = Float32Array.from({ length: width }, (_, i) => i / 1000 - 0.3);
    const eps = 1e-6;
    const [src, dst, g, b] = [0, 4 * 20000, 4 * 30000, 4 * 31000];
    f32.set(x);
    f32.set(gamma, g / 4);
    f32.set(beta, b / 4);
    const epsBits = new Int32Array(Float32Array.of(eps).buffer)[0];
    ops.layer_norm_rows(src, dst, rows, stride * width * 4, width * 4, width, g, b, epsBits);
    for (let r = 0; r < rows; r++) {
      const row = x.subarray(r * stride * width, r * stride * width + width);
      const mean = row.reduce((s, v) => s + v, 0) / width;
      const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / width;
      const inv = 1 / Math.sqrt(variance + Math.fround(eps));
      for (let c = 0; c < width; c++) {
        const ref = (row[c] - mean) * inv * gamma[c] + beta[c];
        // float64 moments in another order differ from these by ~1e-16 relative; one float32 rounding.
        const bound = Math.abs(ref) * ULP * 0.5 + 1e-12 * (Math.abs(ref) + 1);
        if (Math.abs(f32[dst / 4 + r * width + c] - ref) > bound) throw new Error(`row ${r} channel ${c}`);
      }
    }
  });
});
