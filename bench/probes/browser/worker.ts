// Worker side of the Chromium linear-probe benchmark: the lab's own backend choice (initBackend, which lifts
// the wasm thread cap in the browser), the same .npy files the reference reads (fetched from the dev server),
// and the same probe code as the Node run (../sweep.ts), timed around the probe only.

import { initBackend } from '../../../src/engine/backend.ts';
import { setMatMulRoute } from '../../../src/engine/probes/device-matrix.ts';
import { type ChromiumRequest, type ChromiumResult, loadSplits, runOurs } from '../sweep.ts';

async function fetchBytes(path: string): Promise<Uint8Array> {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

self.onmessage = async (e: MessageEvent<ChromiumRequest>) => {
  let result: ChromiumResult;
  try {
    const { dir, k, fits, start, backend, matMul } = e.data;
    const info = await initBackend(backend);
    setMatMulRoute(matMul);
    const t0 = performance.now();
    const splits = await loadSplits((file) => fetchBytes(`/${dir}/${file}`));
    const loadSeconds = (performance.now() - t0) / 1000;
    const ours = await runOurs(splits, k, fits, start);
    result = { ...ours, backend: info, crossOriginIsolated: globalThis.crossOriginIsolated, loadSeconds };
  } catch (err) {
    result = { error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  self.postMessage(result);
};
