import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.ts';
import { initBackend } from '../backend.ts';
import { LogRegProblem, setLineRows } from './logreg.ts';

describe('LogRegProblem line objective', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('evaluates base + stp·d from the kept logits as a fresh evaluation at that point does', async () => {
    const rng = createRng(11);
    const [n, d, k, C] = [400, 16, 5, 0.3];
    const X = Float32Array.from({ length: n * d }, () => rng.nextFloat() * 2 - 1);
    const y = Int32Array.from({ length: n }, () => rng.nextInt(k));
    const problem = new LogRegProblem({ X, y, n, d }, k);
    try {
      const size = problem.size;
      const w = Float64Array.from({ length: size }, () => rng.nextFloat() - 0.5);
      const dir = Float64Array.from({ length: size }, () => rng.nextFloat() - 0.5);
      const line = problem.objective(C);
      await line.evaluate(w, new Float64Array(size));
      await line.beginLine(dir);
      const slopeAt = (g: Float64Array) => g.reduce((s, v, i) => s + v * dir[i], 0);
      for (const stp of [0.25, 3, 1]) {
        const x = w.map((v, i) => v + stp * dir[i]);
        const gFresh = new Float64Array(size);
        const fFresh = await problem.evaluate(x, C, gFresh);
        const { f, slope } = await line.lineValue(stp, x);
        expect(Math.abs(f - fFresh) / fFresh).toBeLessThan(1e-6);
        expect(Math.abs(slope - slopeAt(gFresh)) / Math.abs(slopeAt(gFresh))).toBeLessThan(1e-5);
      }
      // Accepting stp = 1 (the last trial) gives the gradient there and moves the base to w + d.
      const x1 = w.map((v, i) => v + dir[i]);
      const gAccepted = new Float64Array(size);
      await line.acceptLine(1, x1, gAccepted);
      const gFresh1 = new Float64Array(size);
      await problem.evaluate(x1, C, gFresh1);
      for (let i = 0; i < size; i++) expect(gAccepted[i]).toBeCloseTo(gFresh1[i], 4);
      await line.beginLine(dir);
      const x2 = w.map((v, i) => v + 1.5 * dir[i]);
      const f2 = (await line.lineValue(0.5, x2)).f;
      const f2Fresh = await problem.evaluate(x2, C, new Float64Array(size));
      expect(Math.abs(f2 - f2Fresh) / f2Fresh).toBeLessThan(1e-6);
    } finally {
      problem.dispose();
    }
  });

  it('fits to the same bits with the line-search rows on the GEMM threads as in JavaScript', async () => {
    // Three warm-started C values (the paper sweep's pattern) and a label change (one-vs-rest's), both ways.
    const rng = createRng(5);
    const [n, d, k] = [300, 24, 6];
    const X = Float32Array.from({ length: n * d }, () => rng.nextFloat() * 2 - 1);
    const y = Int32Array.from({ length: n }, (_, i) => (i * 7 + Math.floor(X[i * d] * 3 + 3)) % k);
    const y2 = Int32Array.from(y, (v) => (v + 1) % k);
    const fits = async () => {
      const problem = new LogRegProblem({ X, y, n, d }, k);
      try {
        const out = [];
        let w: Float64Array | undefined;
        for (const C of [0.01, 0.3, 10]) {
          const fit = await problem.fit(C, { maxIter: 40, tol: 1e-4, init: w });
          w = fit.weights;
          out.push(fit);
        }
        problem.setLabels(y2);
        out.push(await problem.fit(1, { maxIter: 40, tol: 1e-4 }));
        return out;
      } finally {
        problem.dispose();
      }
    };
    setLineRows(false);
    const inJs = await fits();
    setLineRows(true);
    const onThreads = await fits();
    for (let i = 0; i < inJs.length; i++) {
      expect(onThreads[i].iterations).toBe(inJs[i].iterations);
      expect(onThreads[i].evaluations).toBe(inJs[i].evaluations);
      expect(onThreads[i].objective).toBe(inJs[i].objective);
      expect(onThreads[i].weights).toEqual(inJs[i].weights);
    }
    expect(inJs[1].iterations).toBeGreaterThan(3); // a real search, not a stop at the start
  });
});
