// The linear probe's two products at the benchmark's shape (10,000 × 2,049 features, K classes), on tfjs-wasm
// and on the lab's wasm GEMM with each tile height and thread count, in this Node process.
//
//   npx tsx bench/gemm/bench.ts [--n 10000] [--d 2049] [--classes 10,100] [--reps 5]
//
// Each line: milliseconds per product (mean of --reps after 3 warm-up calls), including B's upload/packing and
// C's read-back, as the probe pays them. Node's tfjs-wasm has no threads; the browser numbers are in
// docs/probes.md and the whole-sweep numbers in bench/probes/RESULTS.md.

import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { createRng } from '../../src/core/rng.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { GemmEngine } from '../../src/engine/gemm/gemm.ts';
import { type DeviceMatrix, deviceMatrix, setMatMulRoute } from '../../src/engine/probes/device-matrix.ts';

function seeded(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.nextFloat() - 0.5);
}

async function msPerProduct(
  m: { multiply(b: Float32Array, k: number): Promise<Float32Array> },
  b: Float32Array,
  k: number,
  reps: number,
) {
  for (let w = 0; w < 3; w++) await m.multiply(b, k);
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) await m.multiply(b, k);
  return (performance.now() - t0) / reps;
}

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '10000' },
    d: { type: 'string', default: '2049' },
    classes: { type: 'string', default: '10,100' },
    reps: { type: 'string', default: '5' },
  },
});
const [n, d, reps] = [Number(values.n), Number(values.d), Number(values.reps)];
console.log(
  `# GEMM bench ${new Date().toISOString()}  ${cpus()[0]?.model} ×${cpus().length}  node ${process.version}`,
);
await initBackend('wasm');
const X = seeded(n * d, 1);
for (const k of values.classes!.split(',').map(Number)) {
  const W = seeded(d * k, 2);
  const R = seeded(n * k, 3);
  const report = async (
    label: string,
    xa: DeviceMatrix | { multiply: DeviceMatrix['multiply'] },
    xaT: typeof xa,
  ) => {
    const fwd = await msPerProduct(xa, W, k, reps);
    const grad = await msPerProduct(xaT, R, k, reps);
    console.log(
      `K=${k}  ${label.padEnd(44)} X·W ${fwd.toFixed(1).padStart(6)} ms   Xᵀ·R ${grad.toFixed(1).padStart(6)} ms`,
    );
  };
  setMatMulRoute('tfjs');
  const tfA = await deviceMatrix(X, n, d, k);
  const tfT = await deviceMatrix(X, d, n, k, true);
  await report('tfjs-wasm (XNNPACK, 1 thread in Node)', tfA, tfT);
  tfA.dispose();
  tfT.dispose();
  // mul+add is what the lab runs (the same bits everywhere, docs/determinism.md); FMA is timed for comparison.
  for (const fma of [false, true]) {
    for (const threads of [1, 2]) {
      for (const tileRows of [4, 6] as const) {
        const engine = await GemmEngine.create({ threads, tileRows, fma });
        if (!engine) throw new Error('no WebAssembly SIMD in this Node');
        const a = engine.matrix(X, n, d, k);
        const t = engine.matrix(X, d, n, k, true);
        await report(engine.describe(), a, t);
        a.dispose();
        t.dispose();
        engine.dispose();
      }
    }
  }
}
