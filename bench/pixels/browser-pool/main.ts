// Page side: starts one module Worker (standing in for the engine's Worker), which nests the pixel pool.

export interface PoolReport {
  poolSize: number;
  images: number;
  identical: boolean;
  mismatches: string[];
  brokenIssue: string;
  inThreadPerS: number;
  poolPerS: number;
  error?: string;
}

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });

function runPoolCheck(files: Uint8Array[], rounds: number): Promise<PoolReport> {
  return new Promise((resolve) => {
    worker.onmessage = (e: MessageEvent<PoolReport>) => resolve(e.data);
    worker.postMessage({ files, rounds });
  });
}

Object.assign(globalThis, { runPoolCheck });
document.title = 'ready';
