import { describe, expect, it } from 'vitest';
import { createRng } from '../rng.ts';
import {
  softmaxCrossEntropy,
  softmaxCrossEntropyAlong,
  toFloat32FlushingSubnormals,
} from './softmax-cross-entropy.ts';

/** The textbook formulas: CE = logsumexp(z) − z_y, residual = softmax(z) − onehot(y). */
function naive(z: number[], y: number): { ce: number; residual: number[] } {
  const m = Math.max(...z);
  const s = z.reduce((a, v) => a + Math.exp(v - m), 0);
  const lse = m + Math.log(s);
  return { ce: lse - z[y], residual: z.map((v, c) => Math.exp(v - lse) - (c === y ? 1 : 0)) };
}

describe('softmaxCrossEntropy', () => {
  it('equals logsumexp − z_y and softmax − onehot on random logits', () => {
    const rng = createRng(3);
    const n = 50;
    const k = 7;
    const z = Float64Array.from({ length: n * k }, () => (rng.nextFloat() - 0.5) * 20);
    const y = Int32Array.from({ length: n }, () => rng.nextInt(k));
    const residual = new Float32Array(n * k);
    const total = softmaxCrossEntropy(z, y, k, residual);
    let expected = 0;
    for (let i = 0; i < n; i++) {
      const ref = naive(Array.from(z.subarray(i * k, (i + 1) * k)), y[i]);
      expected += ref.ce;
      for (let c = 0; c < k; c++) expect(residual[i * k + c]).toBeCloseTo(ref.residual[c], 7);
    }
    expect(Math.abs(total - expected) / expected).toBeLessThan(1e-13);
  });

  it('keeps relative precision when the prediction is confident (CE ≈ 1e-12)', () => {
    // z = [30, 2.4, 0]: CE = log(1 + e^-27.6 + e^-30), which lse − z_y would round to a multiple of 3.6e-15.
    const z = Float64Array.from([30, 2.4, 0]);
    const residual = new Float32Array(3);
    const ce = softmaxCrossEntropy(z, Int32Array.from([0]), 3, residual);
    const exact = Math.log1p(Math.exp(-27.6) + Math.exp(-30));
    expect(Math.abs(ce - exact) / exact).toBeLessThan(1e-14);
    // p_y − 1 = −(1 − e^−CE) ≈ −CE, stored as float32: relative precision 6e-8, not rounded to 0.
    expect(Math.abs(residual[0] + exact) / exact).toBeLessThan(1e-7);
    expect(residual[0] + residual[1] + residual[2]).toBeCloseTo(0, 12);
  });

  it('refuses buffers shorter than n × k', () => {
    expect(() =>
      softmaxCrossEntropy(new Float64Array(5), Int32Array.from([0, 1]), 3, new Float32Array(6)),
    ).toThrow(RangeError);
  });

  it('along base + stp·dir: the same CE as at that point, and a slope that matches central differences', () => {
    const rng = createRng(4);
    const [n, k, stp] = [40, 5, 0.7];
    const base = Float64Array.from({ length: n * k }, () => (rng.nextFloat() - 0.5) * 6);
    const dir = Float64Array.from({ length: n * k }, () => rng.nextFloat() - 0.5);
    const y = Int32Array.from({ length: n }, () => rng.nextInt(k));
    const z = new Float64Array(n * k);
    const r = new Float32Array(n * k);
    const trial = softmaxCrossEntropyAlong(base, dir, stp, y, k, z, r);
    const at = (s: number) => {
      const zs = base.map((b, i) => b + s * dir[i]);
      return softmaxCrossEntropy(zs, y, k, new Float32Array(n * k));
    };
    for (let i = 0; i < n * k; i++) expect(z[i]).toBe(base[i] + stp * dir[i]);
    expect(trial.ce).toBe(at(stp));
    const h = 1e-5;
    const numeric = (at(stp + h) - at(stp - h)) / (2 * h);
    expect(Math.abs(trial.slope - numeric) / Math.abs(numeric)).toBeLessThan(1e-7);
  });

  it('flushes float32 subnormals to 0 in residuals and uploads', () => {
    // Row predicted at e^−100 for class 1: its residual (3.7e-44) is subnormal in float32.
    const r = new Float32Array(2);
    softmaxCrossEntropy(Float64Array.from([100, 0]), Int32Array.from([0]), 2, r);
    expect(r[1]).toBe(0);
    expect(Array.from(toFloat32FlushingSubnormals(Float64Array.from([1e-39, -1e-40, 1e-37, 2])))).toEqual([
      0,
      0,
      Math.fround(1e-37),
      2,
    ]);
  });
});
