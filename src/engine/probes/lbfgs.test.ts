import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.ts';
import { History, type LineObjective, lbfgs } from './lbfgs.ts';

/** The n-dimensional Rosenbrock function (scipy.optimize.rosen) and its gradient (rosen_der). */
async function rosen(x: Float64Array, g: Float64Array): Promise<number> {
  let f = 0;
  g.fill(0);
  for (let i = 0; i < x.length - 1; i++) {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1 - x[i];
    f += 100 * a * a + b * b;
    g[i] += -400 * x[i] * a - 2 * b;
    g[i + 1] += 200 * a;
  }
  return f;
}

describe('lbfgs (scipy L-BFGS-B semantics)', () => {
  // scipy 1.10 (Debian) optimize.minimize(rosen, x0, jac=rosen_der, method='L-BFGS-B', options={'gtol': 1e-6}):
  // nit, nfev, fun and x as it printed them. Same counts mean the same line-search decisions and stopping rule.
  it.each([
    {
      x0: [-1.2, 1],
      nit: 36,
      nfev: 44,
      f: 2.8076498762688724e-12,
      x: [0.9999989453492786, 0.9999980209057266],
    },
    {
      x0: [2, -1.5, 0.5, 3],
      nit: 42,
      nfev: 51,
      f: 6.219628810127812e-14,
      x: [1.0000000191894236, 1.0000000376191631, 1.0000000745041113, 1.000000125609431],
    },
  ])('minimises Rosenbrock from $x0 exactly as scipy does', async ({ x0, nit, nfev, f, x }) => {
    const r = await lbfgs(rosen, Float64Array.from(x0), { maxIter: 1000, pgtol: 1e-6 });
    expect(r.iterations).toBe(nit);
    expect(r.evaluations).toBe(nfev);
    expect(r.stop).toBe('ftol');
    expect(Math.abs(r.f - f)).toBeLessThan(1e-15);
    for (const [i, v] of r.x.entries()) expect(Math.abs(v - x[i])).toBeLessThan(1e-10);
  });

  it('stops at maxIter like scipy (the limit is checked before the other tests)', async () => {
    const r = await lbfgs(rosen, Float64Array.from([-1.2, 1]), { maxIter: 5, pgtol: 1e-12 });
    expect(r.iterations).toBe(5);
    expect(r.stop).toBe('maxiter');
  });

  it('returns at once when the start already satisfies pgtol', async () => {
    const r = await lbfgs(rosen, Float64Array.from([1, 1, 1]), { maxIter: 100, pgtol: 1e-4 });
    expect(r.iterations).toBe(0);
    expect(r.evaluations).toBe(1);
    expect(r.stop).toBe('pgtol');
  });

  it('throws CancelledError between iterations', async () => {
    const token = { cancelled: false };
    const run = lbfgs(rosen, Float64Array.from([-1.2, 1]), {
      maxIter: 1000,
      pgtol: 1e-12,
      cancel: token,
      onIteration: (i) => {
        if (i === 3) token.cancelled = true;
      },
    });
    await expect(run).rejects.toThrow('Cancelled');
  });

  it('drives a LineObjective through the same iterates: base + stp·d, accepted where the search ended', async () => {
    // Rosenbrock computed from the objective's OWN base and direction (ignoring the x the solver passes):
    // scipy's counts only come out if beginLine/lineValue/acceptLine are called at the right moments and the
    // slope g·d is what the search uses, including after failed searches that keep the base.
    let base = Float64Array.from([-1.2, 1]);
    let dir = new Float64Array(2);
    let accepted = 0;
    const at = (stp: number) => base.map((b, i) => b + stp * dir[i]);
    const line: LineObjective = {
      evaluate: async (x, g) => {
        base = Float64Array.from(x);
        return rosen(x, g);
      },
      beginLine: async (d) => {
        dir = Float64Array.from(d);
      },
      lineValue: async (stp) => {
        const g = new Float64Array(2);
        const f = await rosen(at(stp), g);
        return { f, slope: g[0] * dir[0] + g[1] * dir[1] };
      },
      acceptLine: async (stp, _x, g) => {
        accepted++;
        base = at(stp);
        await rosen(base, g);
      },
    };
    const r = await lbfgs(line, Float64Array.from([-1.2, 1]), { maxIter: 1000, pgtol: 1e-6 });
    expect(r.iterations).toBe(36);
    expect(r.evaluations).toBe(44);
    expect(accepted).toBe(36);
    for (const [i, v] of base.entries()) expect(Math.abs(v - r.x[i])).toBeLessThan(1e-12);
  });
});

describe('the two-loop recursion', () => {
  /** The textbook recursion, one pass per dot and per update (what History.direction fuses). */
  function unfused(s: Float64Array[], y: Float64Array[], rho: number[], theta: number, g: Float64Array) {
    const dot = (a: Float64Array, b: Float64Array) => a.reduce((sum, v, i) => sum + v * b[i], 0);
    const q = g.slice();
    const alpha: number[] = [];
    for (let i = s.length - 1; i >= 0; i--) {
      alpha[i] = rho[i] * dot(s[i], q);
      for (let j = 0; j < q.length; j++) q[j] -= alpha[i] * y[i][j];
    }
    for (let j = 0; j < q.length; j++) q[j] *= 1 / theta;
    for (let i = 0; i < s.length; i++) {
      const beta = rho[i] * dot(y[i], q);
      for (let j = 0; j < q.length; j++) q[j] += s[i][j] * (alpha[i] - beta);
    }
    return q.map((v) => -v);
  }

  it('gives bit for bit the unfused recursion, with 0 to 10 pairs and after the oldest pairs are dropped', () => {
    const rng = createRng(7);
    const n = 1001;
    const vector = () => Float64Array.from({ length: n }, () => rng.nextFloat() * 2 - 1);
    const history = new History(10);
    const s: Float64Array[] = [];
    const y: Float64Array[] = [];
    const rho: number[] = [];
    for (let pairs = 0; pairs <= 13; pairs++) {
      const g = vector();
      const expected = unfused(s.slice(-10), y.slice(-10), rho.slice(-10), history.theta, g);
      expect(Array.from(history.direction(g))).toEqual(Array.from(expected));
      const [si, yi] = [vector(), vector()];
      const sy = 1 + rng.nextFloat();
      history.push(si, yi, sy, 2 + rng.nextFloat());
      s.push(si);
      y.push(yi);
      rho.push(1 / sy);
    }
  });
});
