// Page side of the Chromium benchmark: runs the worker (as the lab does) and exposes its result.

const params = new URLSearchParams(location.search);
const worker = new Worker(new URL('./browser-worker.ts', import.meta.url), { type: 'module' });
const status = document.getElementById('status') as HTMLElement;
const done = (result: unknown) => {
  (window as unknown as { __benchResult: unknown }).__benchResult = result;
  status.textContent = JSON.stringify(result);
};
worker.onmessage = (e: MessageEvent) => done(e.data);
worker.onerror = (e) => done({ error: e.message });
worker.postMessage({
  batch: Number(params.get('batch') ?? 8),
  rounds: Number(params.get('rounds') ?? 5),
  backend: params.get('backend') ?? 'auto',
  arch: params.get('arch') ?? 'resnet50',
  routes: (params.get('routes') ?? 'wasm-gemm,tfjs').split(','),
  tile: params.get('tile') ? Number(params.get('tile')) : undefined,
  crossOriginIsolated: globalThis.crossOriginIsolated,
});
