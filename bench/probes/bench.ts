// Linear-probe benchmark: our paper-mode sweep (wasm backend) against the scikit-learn 0.22-semantics
// reference (scipy L-BFGS-B on numpy float64, scripts/fixtures/sklearn_reference.py), on the same seeded
// synthetic features: class means + Gaussian noise, N train (+ 20% as many val, + 20% test), D dims, K classes.
//
//   npx tsx bench/probes/bench.ts [--n 10000] [--d 2048] [--classes 10,100] [--fits 45] [--start 0]
//                                 [--backend wasm] [--runtime node|chromium] [--matmul auto|tfjs|wasm-gemm]
//
// The features are written once as .npy under .cache/bench-probes/n{N}-d{D}-k{K}/ and both sides read those
// files. --runtime node (default) runs ours in this Node process (wasm: 1 thread). --runtime chromium runs it
// inside Chromium (/usr/bin/chromium, or $CHROMIUM_PATH) in a dedicated Web Worker behind the Vite dev server
// (cross-origin isolated, so the lab's initBackend gives tfjs-wasm its browser thread count: 2 on 2 cores);
// the worker fetches the same .npy files and runs the same code (sweep.ts), timed inside the worker around
// the probe only (not the file loading).
// --matmul picks where our products run (src/engine/probes/device-matrix.ts): auto (default: the lab's wasm
// GEMM on CPU backends), or forced to tfjs or to the wasm GEMM; each result line names the route it ran on.
// --fits < 45 times only `fits` values of the sweep from index --start (both sides, same warm starts from
// zeros at the first; no final fit) so the comparison fits a shared machine; the output says which it is.

import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { BackendName } from '../../src/core/types.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { type MatMulRoute, setMatMulRoute } from '../../src/engine/probes/device-matrix.ts';
import { sweepC } from '../../src/engine/probes/linear.ts';
import { type ChromiumSession, openChromium } from './chromium.ts';
import { ensureSplits, readSplits, splitsDir } from './data.ts';
import { reference } from './reference.ts';
import { runOurs, type SideResult } from './sweep.ts';

const threads = (n: number) => `${n} thread${n === 1 ? '' : 's'}`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

function fmt(s: SideResult): string {
  const val = s.valScores.map((v) => (100 * v).toFixed(2)).join('/');
  const test = s.testScore === null ? '' : `; test ${(100 * s.testScore).toFixed(2)}%`;
  const iters = s.iterations.length ? `; iters ${s.iterations.join('/')}` : '';
  return `${s.seconds.toFixed(1)} s; val ${val}${test}${iters}`;
}

type Ours = (dir: string, k: number) => Promise<{ label: string; result: SideResult }>;

async function nodeRuntime(
  backendName: BackendName,
  matMul: MatMulRoute,
  fits: number,
  start: number,
): Promise<Ours> {
  const backend = await initBackend(backendName);
  setMatMulRoute(matMul);
  console.log(`# runtime node ${process.version}: backend ${backend.name} (${threads(backend.threads)})`);
  return async (dir, k) => {
    const result = await runOurs(await readSplits(dir), k, fits, start);
    return {
      label: `tfjs ${backend.name}, ${threads(backend.threads)}, products on ${result.matMul}, node`,
      result,
    };
  };
}

function chromiumRuntime(
  session: ChromiumSession,
  backend: BackendName,
  matMul: MatMulRoute,
  fits: number,
  start: number,
): Ours {
  console.log(
    `# runtime chromium: Chromium ${session.version} (${session.executable}), dedicated Web Worker behind the Vite dev server`,
  );
  return async (dir, k) => {
    const r = await session.run({ dir, k, fits, start, backend, matMul });
    console.log(
      `# K=${k} Chromium ${session.version} worker: backend ${r.backend.name}, ${threads(r.backend.threads)} (${r.backend.reason}), crossOriginIsolated ${r.crossOriginIsolated}, .npy fetch + parse ${r.loadSeconds.toFixed(1)} s (not timed)`,
    );
    return {
      label: `tfjs ${r.backend.name}, ${threads(r.backend.threads)}, products on ${r.matMul}, chromium`,
      result: r,
    };
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '10000' },
      d: { type: 'string', default: '2048' },
      classes: { type: 'string', default: '10,100' },
      fits: { type: 'string', default: '45' },
      start: { type: 'string', default: '0' },
      backend: { type: 'string', default: 'wasm' },
      runtime: { type: 'string', default: 'node' },
      matmul: { type: 'string', default: 'auto' },
    },
  });
  const [n, d, start] = [Number(values.n), Number(values.d), Number(values.start)];
  const fits = Math.min(45 - start, Number(values.fits));
  const backend = values.backend as BackendName;
  const matMul = values.matmul as MatMulRoute;
  if (!['auto', 'tfjs', 'wasm-gemm'].includes(matMul))
    throw new Error(`--matmul must be auto, tfjs or wasm-gemm, got '${matMul}'`);
  if (values.runtime !== 'node' && values.runtime !== 'chromium')
    throw new Error(`--runtime must be node or chromium, got '${values.runtime}'`);
  console.log(
    `# linear probe bench: N=${n} train (+${n / 5} val, +${n / 5} test), D=${d}, paper mode, ${fits === 45 ? 'full 45-value sweep + final fit' : `sweep values ${start}..${start + fits - 1} of 0..44 only (from C = ${sweepC()[start].toPrecision(3)}, zeros start)`}`,
  );
  console.log(
    `# ${new Date().toISOString()}  ${cpus()[0]?.model} ×${cpus().length}  node ${process.version}  load average ${load()}`,
  );
  const session = values.runtime === 'chromium' ? await openChromium() : undefined;
  try {
    const ours = session
      ? chromiumRuntime(session, backend, matMul, fits, start)
      : await nodeRuntime(backend, matMul, fits, start);
    for (const k of values.classes!.split(',').map(Number)) {
      const dir = splitsDir(n, d, k);
      ensureSplits(dir, n, d, k);
      const a = await ours(dir, k);
      const b = reference(dir, fits, start);
      console.log(`K=${k}  ours (${a.label}): ${fmt(a.result)}`);
      console.log(`K=${k}  sklearn-0.22 reference (scipy/numpy float64): ${fmt(b)}`);
      console.log(`K=${k}  time ratio ours/reference: ${(a.result.seconds / b.seconds).toFixed(2)}`);
    }
  } finally {
    await session?.close();
  }
  console.log(`# ${new Date().toISOString()}  end, load average ${load()}`);
}

await main();
