// Page side of the browser pixel check: hands image bytes to a module Worker (as the app does) and returns
// the 8-bit crops for both protocol rules plus the decode time.

import type { ResizeRule } from '../../../src/core/types.ts';

export interface WorkerReply {
  ok: boolean;
  error?: string;
  width?: number;
  height?: number;
  linear?: Uint8Array;
  fewshot?: Uint8Array;
  decodeMs?: number;
  cache?: unknown;
}

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
let nextId = 0;
const pending = new Map<number, (r: WorkerReply) => void>();
worker.onmessage = (e: MessageEvent<WorkerReply & { id: number }>) => {
  pending.get(e.data.id)?.(e.data);
  pending.delete(e.data.id);
};

function process(bytes: Uint8Array, key: string, rules: ResizeRule[]): Promise<WorkerReply> {
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    worker.postMessage({ id, bytes, key, rules }, [bytes.buffer]);
  });
}

function cacheCheck(cache: 'opfs' | 'indexeddb'): Promise<WorkerReply> {
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    worker.postMessage({ id, cache });
  });
}

Object.assign(globalThis, { pixelCheck: process, cacheCheck });
document.title = 'ready';
