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
      const g0 = new Float64Array(size);
      await line.evaluate(w, g0);
      await line.beginLine(dir);
      for (const stp of [0.25, 1, 3]) {
        const x = w.map((v, i) => v + stp * dir[i]);
        const gLine = new Float64Array(size);
        const gFresh = new Float64Array(size);
        const fLine = await line.evaluateOnLine(stp, x, gLine);
        const fFresh = await problem.evaluate(x, C, gFresh);
        expect(Math.abs(fLine - fFresh) / fFresh).toBeLessThan(1e-6);
        for (let i = 0; i < size; i++) expect(gLine[i]).toBeCloseTo(gFresh[i], 3);
      }
      // Accepting stp = 1 moves the base: the next line starts from w + d.
      line.acceptLine(1);
      await line.beginLine(dir);
      const x2 = w.map((v, i) => v + 1.5 * dir[i]);
      const f2 = await line.evaluateOnLine(0.5, x2, new Float64Array(size));
      const f2Fresh = await problem.evaluate(x2, C, new Float64Array(size));
      expect(Math.abs(f2 - f2Fresh) / f2Fresh).toBeLessThan(1e-6);
    } finally {
      problem.dispose();
    }
  });
});
