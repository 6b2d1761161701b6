import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.ts';
import { initBackend } from '../backend.ts';
import { LogRegProblem } from './logreg.ts';

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
});
