// Page side of the Chromium benchmark: runs the worker (as the lab does) and lets the driver send it requests
// (browser-worker.ts) one at a time.

import type { Request } from './browser-worker.ts';

const worker = new Worker(new URL('./browser-worker.ts', import.meta.url), { type: 'module' });
const status = document.getElementById('status') as HTMLElement;

function ask(request: Request): Promise<unknown> {
  return new Promise((resolve) => {
    worker.onmessage = (e: MessageEvent) => resolve(e.data);
    worker.onerror = (e) => resolve({ error: e.message });
    worker.postMessage(request);
  });
}

(window as unknown as { __bench: typeof ask }).__bench = async (request) => {
  status.textContent = `${request.type}…`;
  const reply = await ask(request);
  status.textContent = JSON.stringify(reply);
  return reply;
};
status.textContent = 'ready';
