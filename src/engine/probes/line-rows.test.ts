import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exp } from '../../core/math/fdlibm.ts';
import { softmaxCrossEntropyAlong } from '../../core/metrics/softmax-cross-entropy.ts';
import { createRng } from '../../core/rng.ts';
import { GemmEngine } from '../gemm/gemm.ts';
import { LineRows } from './line-rows.ts';
import { lineRowsModuleBytes } from './line-rows-wasm.ts';

describe('the line-search rows in WebAssembly', () => {
  it("exp is fdlibm's, bit for bit (fdlibm.ts), over the whole range and its edges", () => {
    const rng = createRng(3);
    const xs = [
      ...Array.from({ length: 100000 }, () => rng.nextFloat() * 1500 - 760),
      ...Array.from({ length: 20000 }, () => rng.nextFloat() * 4 - 2),
      ...Array.from({ length: 2098 }, (_, i) => (i - 1074) * Math.LN2), // every 2^k of the scaling step
      ...[0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 5e-324, -1e-300, 1e-9],
      ...[709.78, 709.7827128933839, 709.7827128933841, 709.5, -708.4, -740, -745.13, -745.14, -746],
      ...[0.34657359027997264, 1.0397207708399179, -1.0397207708399179, 3.7252902984e-9],
    ];
    const pages = Math.ceil((xs.length * 16) / 65536);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const module = new WebAssembly.Module(lineRowsModuleBytes(false) as BufferSource);
    const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<
      string,
      (...a: number[]) => void
    >;
    new Float64Array(memory.buffer, 0, xs.length).set(xs);
    kernel.exp(0, xs.length * 8, xs.length);
    const got = new Float64Array(memory.buffer, xs.length * 8, xs.length);
    const differing = xs.filter((x, i) => !Object.is(got[i], exp(x)));
    expect(differing).toEqual([]);
  });

  describe('softmax along a line: the same bits as softmaxCrossEntropyAlong, on any thread count', () => {
    const engines: GemmEngine[] = [];
    beforeAll(async () => {
      for (const threads of [1, 3]) {
        const e = await GemmEngine.create({ threads, tileRows: 4 });
        if (!e) throw new Error('WebAssembly SIMD is missing from this Node; the lab needs Node ≥ 20');
        engines.push(e);
      }
    });
    afterAll(() => {
      for (const e of engines) e.dispose();
    });

    // Confident rows (CE ≈ 1e−12, the log1p branch), rows whose label is not the arg-max, tiny residuals that
    // flush to 0, a row of −∞ except the label, and a NaN.
    function problem(n: number, k: number, seed: number) {
      const rng = createRng(seed);
      const base = Float64Array.from({ length: n * k }, () => (rng.nextFloat() - 0.5) * 40);
      const dir = Float64Array.from({ length: n * k }, () => (rng.nextFloat() - 0.5) * 3);
      const labels = Int32Array.from({ length: n }, () => Math.floor(rng.nextFloat() * k));
      for (let c = 0; c < k; c++) base[k + c] = c === labels[1] ? 60 : 0; // confident
      for (let c = 0; c < k; c++) base[2 * k + c] = c === labels[2] ? 0 : Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) dir[2 * k + c] = 0;
      base[3 * k + 1] = Number.NaN;
      return { base, dir, labels };
    }

    for (const [n, k] of [
      [37, 10],
      [50, 3],
      [11, 100],
    ] as const) {
      it(`${n} rows × ${k} classes, with and without a direction`, async () => {
        const { base, dir, labels } = problem(n, k, n * k);
        for (const [stp, withDir] of [
          [0.75, true],
          [1, true],
          [0, false],
        ] as const) {
          const zWant = new Float64Array(n * k);
          const resWant = new Float32Array(n * k);
          const want = softmaxCrossEntropyAlong(base, withDir ? dir : null, stp, labels, k, zWant, resWant);
          for (const engine of engines) {
            const rows = await LineRows.create(n, k, labels, engine);
            if (!rows) throw new Error('no LineRows');
            rows.z[0].set(base);
            rows.dir.set(dir);
            const got = await rows.along(rows.z[0], withDir ? rows.dir : null, stp, rows.z[1]);
            expect(Object.is(got.ce, want.ce) || (Number.isNaN(got.ce) && Number.isNaN(want.ce))).toBe(true);
            expect(
              Object.is(got.slope, want.slope) || (Number.isNaN(got.slope) && Number.isNaN(want.slope)),
            ).toBe(true);
            expect(rows.z[1]).toEqual(zWant);
            expect(rows.residual).toEqual(resWant);
            rows.dispose();
          }
        }
      });
    }

    it('gives the sums of finite rows exactly, and writes z in place when z is the base', async () => {
      const [n, k] = [64, 7];
      const { base, labels } = problem(n, k, 9);
      for (let c = 0; c < k; c++) base[3 * k + c] = 0; // no NaN this time
      const zWant = base.slice();
      const resWant = new Float32Array(n * k);
      const want = softmaxCrossEntropyAlong(zWant, null, 0, labels, k, zWant, resWant);
      expect(Number.isFinite(want.ce)).toBe(true);
      const rows = await LineRows.create(n, k, labels, engines[1]);
      rows!.z[0].set(base);
      const got = await rows!.along(rows!.z[0], null, 0, rows!.z[0]);
      expect(got.ce).toBe(want.ce);
      expect(rows!.z[0]).toEqual(zWant);
      expect(rows!.residual).toEqual(resWant);
      rows!.dispose();
      await expect(rows!.along(rows!.z[0], null, 0, rows!.z[0])).rejects.toThrow(/after dispose/);
    });
  });
});
