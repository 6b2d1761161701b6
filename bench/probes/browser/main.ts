// Page side of the Chromium linear-probe benchmark: runs the worker (as the lab does) and exposes its result.

import type { BackendName } from '../../../src/core/types.ts';
import type { MatMulRoute } from '../../../src/engine/probes/device-matrix.ts';
import type { ChromiumRequest, ChromiumResult } from '../sweep.ts';

const params = new URLSearchParams(location.search);
const request: ChromiumRequest = {
  dir: params.get('dir') ?? '',
  k: Number(params.get('k')),
  fits: Number(params.get('fits') ?? 45),
  start: Number(params.get('start') ?? 0),
  backend: (params.get('backend') ?? 'wasm') as BackendName,
  matMul: (params.get('matMul') ?? 'auto') as MatMulRoute,
};
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const status = document.getElementById('status') as HTMLElement;
const done = (result: ChromiumResult) => {
  (window as unknown as { __benchResult: ChromiumResult }).__benchResult = result;
  status.textContent = JSON.stringify(result);
  worker.terminate();
};
worker.onmessage = (e: MessageEvent<ChromiumResult>) => done(e.data);
worker.onerror = (e) => done({ error: e.message || 'worker failed to load' });
worker.postMessage(request);
