// Helper threads for the GEMM kernel. Each helper instantiates the compiled kernel on the same shared
// memory as the caller and computes its share of C's row panels when asked. The helper's source is a plain
// string so that the same code starts as a Blob worker in the browser and as an eval'd worker_thread in
// Node, with no bundler or loader involved.

import { isNode } from '../backend.ts';
import { importNodeBuiltin } from '../node-builtin.ts';

export interface KernelCall {
  /** An export of the module attached under the call's id. */
  fn: string;
  args: number[];
}

/**
 * The counters a shared run's threads coordinate through (an Int32Array on a SharedArrayBuffer, one per run):
 * the next chunk to claim, the chunks finished, and whether a thread failed.
 */
export const SHARE_NEXT = 0;
export const SHARE_DONE = 1;
export const SHARE_FAILED = 2;
export const SHARE_SLOTS = 3;

type Message =
  | { type: 'attach'; id: number; module: WebAssembly.Module; memory: WebAssembly.Memory }
  | { type: 'detach'; id: number }
  | { type: 'share'; id: number; seq: number; chunks: KernelCall[][]; ctrl: Int32Array };

const HELPER_SOURCE = `
const kernels = new Map();
function handle(m, reply) {
  if (m.type === 'attach') {
    kernels.set(m.id, new WebAssembly.Instance(m.module, { env: { memory: m.memory } }).exports);
  } else if (m.type === 'detach') {
    kernels.delete(m.id);
  } else {
    // Claim chunks until none is left; count each one finished, and wake the caller after the last.
    const ctrl = m.ctrl;
    const n = m.chunks.length;
    try {
      const kernel = kernels.get(m.id);
      for (let i = Atomics.add(ctrl, ${SHARE_NEXT}, 1); i < n; i = Atomics.add(ctrl, ${SHARE_NEXT}, 1)) {
        for (const call of m.chunks[i]) kernel[call.fn](...call.args);
        if (Atomics.add(ctrl, ${SHARE_DONE}, 1) + 1 === n) Atomics.notify(ctrl, ${SHARE_DONE});
      }
      reply({ seq: m.seq });
    } catch (e) {
      Atomics.store(ctrl, ${SHARE_FAILED}, 1);
      Atomics.notify(ctrl, ${SHARE_DONE});
      reply({ seq: m.seq, error: String(e) });
    }
  }
}
if (typeof require === 'function') {
  const { parentPort } = require('node:worker_threads');
  parentPort.on('message', (m) => handle(m, (r) => parentPort.postMessage(r)));
  parentPort.postMessage({ seq: 0 });
} else {
  self.onmessage = (e) => handle(e.data, (r) => self.postMessage(r));
  self.postMessage({ seq: 0 });
}
`;

interface Port {
  post(message: Message): void;
  /** Node only: whether the worker keeps the process alive. */
  hold(on: boolean): void;
  terminate(): void;
}

/** A helper that has not started by then never will (a worker starts in milliseconds to a second). */
const START_TIMEOUT_MS = 30_000;

/** A reply to the run numbered `seq`; seq 0 is the helper saying it is up. */
type Reply = { seq: number; error?: string };

async function spawnPort(onReply: (r: Reply) => void, onError: (e: Error) => void): Promise<Port> {
  if (isNode()) {
    const { Worker } = await importNodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads');
    const worker = new Worker(HELPER_SOURCE, { eval: true });
    worker.on('message', onReply);
    worker.on('error', onError);
    worker.unref();
    return {
      post: (m) => worker.postMessage(m),
      hold: (on) => (on ? worker.ref() : worker.unref()),
      terminate: () => void worker.terminate(),
    };
  }
  const url = URL.createObjectURL(new Blob([HELPER_SOURCE], { type: 'text/javascript' }));
  const worker = new Worker(url);
  URL.revokeObjectURL(url);
  worker.onmessage = (e: MessageEvent<Reply>) => onReply(e.data);
  worker.onerror = (e) => onError(new Error(`GEMM helper thread failed: ${e.message}`));
  return { post: (m) => worker.postMessage(m), hold: () => {}, terminate: () => worker.terminate() };
}

/** One helper thread; `run` resolves when the helper has finished its calls. */
export class GemmHelper {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;

  private constructor(private port: Port | null) {}

  /**
   * Resolves once the helper's thread runs. A browser starts a worker made by a worker only when the maker's
   * event loop turns; a shared run (gemm.ts) may not let it turn for a whole probe fit, during which a helper
   * still starting would take no part (seen in Chromium: the caller ran every chunk itself).
   */
  static async start(): Promise<GemmHelper> {
    const helper = new GemmHelper(null);
    const up = new Promise<void>((resolve, reject) => helper.pending.set(0, { resolve, reject }));
    helper.port = await spawnPort(
      (r) => helper.settle(r),
      (e) => helper.fail(e),
    );
    helper.port.hold(true);
    const timer = setTimeout(
      () => helper.fail(new Error(`GEMM helper thread did not start within ${START_TIMEOUT_MS / 1000} s`)),
      START_TIMEOUT_MS,
    );
    try {
      await up;
    } catch (e) {
      helper.terminate();
      throw e;
    } finally {
      clearTimeout(timer);
    }
    return helper;
  }

  private settle(reply: Reply): void {
    const job = this.pending.get(reply.seq);
    this.pending.delete(reply.seq);
    if (this.pending.size === 0) this.port?.hold(false);
    if (reply.error) job?.reject(new Error(`GEMM helper thread: ${reply.error}`));
    else job?.resolve();
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const job of this.pending.values()) job.reject(error);
    this.pending.clear();
  }

  /** Why this helper's thread died, or null while it lives. */
  get failed(): Error | null {
    return this.failure;
  }

  attach(id: number, module: WebAssembly.Module, memory: WebAssembly.Memory): void {
    this.port?.post({ type: 'attach', id, module, memory });
  }

  detach(id: number): void {
    this.port?.post({ type: 'detach', id });
  }

  /**
   * Takes part in a shared run: claims chunks through `ctrl` (SHARE_*) until none is left; resolves when this
   * helper has stopped (its reply arrived), rejects when a call failed or the thread died.
   */
  share(id: number, chunks: KernelCall[][], ctrl: Int32Array): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.port?.hold(true);
      this.port?.post({ type: 'share', id, seq, chunks, ctrl });
    });
  }

  terminate(): void {
    this.port?.terminate();
  }
}
