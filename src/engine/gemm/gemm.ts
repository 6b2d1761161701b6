// The CPU GEMM engine: a tall matrix A packed once into WebAssembly memory, multiplied by thin matrices B as
// often as a solver asks, with the row panels of C split over the calling thread and helper threads.
// kernel.ts has the kernel and its measurements; docs/probes.md says why the probe uses it on CPU backends.

import { BROWSER_CORES, isNode } from '../backend.ts';
import { nextMacrotask, yieldClock } from '../macrotask.ts';
import { importNodeBuiltin } from '../node-builtin.ts';
import { GemmHelper, type KernelCall, SHARE_DONE, SHARE_FAILED, SHARE_NEXT, SHARE_SLOTS } from './helpers.ts';
import { gemmModuleBytes, kernelSupport, NR, narrowKernel, TILE_ROWS, type TileRows } from './kernel.ts';
import { columnPanels, packA, packB, rowPanels, unpackC } from './pack.ts';

const PAGE = 65536;
const MAX_PAGES = 65536; // wasm32: 4 GiB
/**
 * Bytes of packed A per block of row panels when a narrow (4-column) panel follows wide ones: small enough to
 * stay in a core's L2 between the wide and the narrow call. At K = 10 (the probe's 10-class products,
 * 10,000 × 2,049) reading A once instead of twice took one thread's product from about 25 to 18 ms.
 */
const TAIL_BLOCK_BYTES = 128 * 1024;
/**
 * At least this many row panels per block before a 1–3-column kernel, so it can take its panels in groups
 * (kernel.ts, gemmColumnsFunction). Measured at 10 classes in alternating rounds (Node, 2026-12-03): 12 panels
 * beat 6 by about 5% and 1 by about 15%; 32 was no better than 12.
 */
const TAIL_BLOCK_PANELS = 12;

export interface GemmOptions {
  /** Threads including the caller; default: all cores (capped at 8) where memory can be shared, else 1. */
  threads?: number;
  /**
   * Use FMA (relaxed SIMD) when the engine has it; default false. relaxed_madd may be fused or not, at the
   * engine's choice (the relaxed SIMD spec leaves it open; V8 fuses only where the CPU has FMA3), so the same
   * product can differ in the last bit between machines or engines: records must not depend on that
   * (docs/determinism.md). Plain f32x4.mul + f32x4.add round exactly as IEEE says everywhere. For benchmarks.
   */
  fma?: boolean;
  /**
   * Tile height; default: whichever of 4 and 6 is faster on this engine (GemmEngine.fastestTile). Results do
   * not depend on it: every element of C is the same sequential sum over l whatever the tile (kernel.ts).
   */
  tileRows?: TileRows;
}

function sharedMemoryAllowed(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  // Browsers hand out shared memory only to cross-origin isolated pages; Node always can.
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return isolated !== false;
}

/** TLAB_THREADS in Node's environment: the thread count the CLI uses (a positive integer), else undefined. */
export function threadsFromEnv(): number | undefined {
  const text = globalThis.process?.env?.TLAB_THREADS;
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`TLAB_THREADS must be a positive integer, not '${text}'`);
  return n;
}

async function coreCount(): Promise<number> {
  const fromEnv = threadsFromEnv();
  if (fromEnv) return fromEnv;
  if (BROWSER_CORES) return BROWSER_CORES;
  try {
    const os = await importNodeBuiltin<typeof import('node:os')>('node:os');
    return os.availableParallelism();
  } catch {
    return 1;
  }
}

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/**
 * Chunks per thread in a shared run: enough that a thread which starts late (a helper's message takes tens to
 * hundreds of microseconds to arrive) or is slowed by the machine leaves little for the others to wait on, few
 * enough that claiming and cloning the calls stay negligible.
 */
const CHUNKS_PER_THREAD = 8;
/**
 * How long the caller may block (Atomics.wait) for the helpers' last chunks before it waits for their replies
 * instead. The tail is one chunk, well under this; a helper that died without a word (its error event cannot
 * arrive while the caller blocks) costs this much once and is then reported through its reply promise.
 */
const BLOCKING_WAIT_MS = 50;
/** A run that needed no reply lets the caller's event loop turn at least this often (macrotask.ts). */
const YIELD_EVERY_MS = 50;

function chunkCalls(
  units: number,
  grain: number,
  callsFor: (first: number, count: number) => KernelCall[],
): KernelCall[][] {
  const chunks: KernelCall[][] = [];
  for (let first = 0; first < units; first += grain)
    chunks.push(callsFor(first, Math.min(grain, units - first)));
  return chunks;
}

function runCalls(instance: Record<string, (...args: number[]) => void>, calls: KernelCall[]): void {
  for (const call of calls) instance[call.fn](...call.args);
}

let blockingWaitAllowed: boolean | undefined;

/** Whether this thread may block in Atomics.wait: Node's threads and Web Workers may, a page's main thread not. */
function canBlock(): boolean {
  if (blockingWaitAllowed === undefined) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      blockingWaitAllowed = true;
    } catch {
      blockingWaitAllowed = false;
    }
  }
  return blockingWaitAllowed;
}

/**
 * True once all `total` chunks are finished and none failed, blocking up to BLOCKING_WAIT_MS where this thread
 * may; false means the caller must wait for the helpers' replies (a failure, a slow helper, or no blocking).
 * Waking from Atomics.wait takes microseconds, where a reply message goes through the event loop.
 */
function allChunksDone(ctrl: Int32Array, total: number): boolean {
  const deadline = performance.now() + BLOCKING_WAIT_MS;
  for (;;) {
    const done = Atomics.load(ctrl, SHARE_DONE);
    if (Atomics.load(ctrl, SHARE_FAILED) !== 0) return false;
    if (done === total) return true;
    const left = deadline - performance.now();
    if (left <= 0 || !canBlock()) return false;
    Atomics.wait(ctrl, SHARE_DONE, done, left);
  }
}

// The product the tile heights are timed on: probe-shaped, about a millisecond once compiled.
const TUNE_SHAPE = { rows: 1200, cols: 512, k: 32 };
const TUNE_ROUNDS = 12;

function tuneValues(n: number, step: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => ((i * step) % 1000) / 1000 - 0.5);
}

/**
 * The candidate whose best time over `rounds` alternating rounds (each candidate once per round, so all see
 * the same machine) is the shortest: how the kernels choose their tile heights at start-up.
 */
export async function fastestInAlternateRounds<T>(
  candidates: readonly T[],
  rounds: number,
  run: (candidate: T) => unknown,
): Promise<T> {
  const best = candidates.map(() => Number.POSITIVE_INFINITY);
  for (let round = 0; round < rounds; round++) {
    for (const [i, c] of candidates.entries()) {
      const t0 = performance.now();
      await run(c);
      best[i] = Math.min(best[i], performance.now() - t0);
    }
  }
  return candidates[best.indexOf(Math.min(...best))];
}

/**
 * Kernel support; when FMA is asked for, turns on relaxed SIMD where this Node has it behind a flag (Node 20;
 * later versions ship it).
 */
async function supportHere(wantFma: boolean): Promise<{ simd: boolean; fma: boolean }> {
  const support = kernelSupport();
  if (!wantFma || support.fma || !support.simd || !isNode()) return support;
  const v8 = await importNodeBuiltin<typeof import('node:v8')>('node:v8');
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return kernelSupport();
}

export class GemmEngine {
  private nextId = 0;
  private readonly yieldClock = yieldClock(YIELD_EVERY_MS);
  /** Shared runs so far, their chunks, and how many of those the helper threads ran (for diagnostics). */
  readonly sharing = { runs: 0, chunks: 0, byHelpers: 0 };

  private constructor(
    readonly module: WebAssembly.Module,
    readonly tileRows: TileRows,
    /** Whether the caller chose tileRows (tests do); else it was measured, and other kernels measure their own. */
    readonly tileGiven: boolean,
    readonly fma: boolean,
    readonly shared: boolean,
    private readonly helpers: GemmHelper[],
  ) {}

  /** The engine, or null where WebAssembly SIMD is unavailable (the caller then stays on tfjs). */
  static async create(opts: GemmOptions = {}): Promise<GemmEngine | null> {
    const support = await supportHere(opts.fma === true);
    if (!support.simd) return null;
    const fma = support.fma && opts.fma === true;
    const shared = sharedMemoryAllowed();
    const threads = shared ? Math.max(1, opts.threads ?? Math.min(8, await coreCount())) : 1;
    const { mr, module } = opts.tileRows
      ? { mr: opts.tileRows, module: await GemmEngine.compile(opts.tileRows, fma, shared) }
      : await GemmEngine.fastestTile(fma, shared);
    const helpers = await Promise.all(Array.from({ length: threads - 1 }, () => GemmHelper.start()));
    return new GemmEngine(module, mr, opts.tileRows !== undefined, fma, shared, helpers);
  }

  private static compile(mr: TileRows, fma: boolean, shared: boolean): Promise<WebAssembly.Module> {
    return WebAssembly.compile(gemmModuleBytes({ mr, fma, shared }) as BufferSource);
  }

  /**
   * The faster tile height here, with its compiled module. The best tile depends on how well the JavaScript
   * engine allocates registers, not on the CPU alone: on the same EPYC, Chromium 156 runs 6-row tiles 20%
   * faster than 4-row ones, while Node 20's older V8 spills registers at 6 rows and is 30% slower (kernel.ts).
   * Both run the same product on one thread in alternating rounds (the first calls also let the engine tier
   * the kernel up to its optimising compiler); the best time of each decides. About 50 ms.
   */
  private static async fastestTile(
    fma: boolean,
    shared: boolean,
  ): Promise<{ mr: TileRows; module: WebAssembly.Module }> {
    const { rows, cols, k } = TUNE_SHAPE;
    const a = tuneValues(rows * cols, 7919);
    const b = tuneValues(cols * k, 104729);
    const runs = await Promise.all(
      TILE_ROWS.map(async (mr) => {
        const module = await GemmEngine.compile(mr, fma, shared);
        const matrix = new GemmEngine(module, mr, true, fma, shared, []).matrix(a, rows, cols, k);
        return { mr, module, matrix };
      }),
    );
    return fastestInAlternateRounds(runs, TUNE_ROUNDS, (run) => run.matrix.multiply(b, k));
  }

  get threads(): number {
    return this.helpers.length + 1;
  }

  /** For reports: 'wasm-gemm (6×8 tiles, mul+add, 2 threads)'. */
  describe(): string {
    const t = this.threads;
    const kind = this.fma ? 'FMA' : 'mul+add';
    return `wasm-gemm (${this.tileRows}×${NR} tiles, ${kind}, ${t} thread${t === 1 ? '' : 's'})`;
  }

  /**
   * Packs A (rows × cols) for products with B of up to `maxK` columns. `src` is A row-major, or Aᵀ row-major
   * when `transposed`. Throws RangeError when A does not fit in 4 GiB of WebAssembly memory.
   */
  matrix(src: Float32Array, rows: number, cols: number, maxK: number, transposed = false): GemmMatrix {
    return new GemmMatrix(this, this.newId(), src, rows, cols, maxK, transposed);
  }

  /** A fresh id for attach/run/detach. */
  newId(): number {
    return this.nextId++;
  }

  /** Lets the helper threads run `module`'s exports on `memory` under `id` (default: the probe GEMM's module). */
  attach(id: number, memory: WebAssembly.Memory, module: WebAssembly.Module = this.module): void {
    for (const h of this.helpers) h.attach(id, module, memory);
  }

  detach(id: number): void {
    for (const h of this.helpers) h.detach(id);
  }

  /**
   * Runs `callsFor(first, count)` over `units` (row panels, rows, attention heads …). With helper threads the
   * units go in chunks (a multiple of `unitMultiple` units, about CHUNKS_PER_THREAD per thread) that every
   * thread, the caller included, claims from a shared counter until none is left: a thread slowed by the
   * machine or by a late start takes fewer, so no thread waits long for another. Which thread runs a chunk
   * changes no bit: every caller's calls compute each output from its own inputs in a fixed order.
   */
  async run(
    id: number,
    instance: Record<string, (...args: number[]) => void>,
    units: number,
    callsFor: (first: number, count: number) => KernelCall[],
    unitMultiple = 1,
  ): Promise<void> {
    const chunks = chunkCalls(units, this.grain(units, unitMultiple), callsFor);
    if (this.helpers.length === 0 || chunks.length === 1) {
      for (const chunk of chunks) runCalls(instance, chunk);
      if (this.yieldClock.due()) await nextMacrotask();
      return;
    }
    const dead = this.helpers.find((h) => h.failed);
    if (dead?.failed) throw dead.failed;
    const ctrl = new Int32Array(new SharedArrayBuffer(SHARE_SLOTS * 4));
    const jobs = this.helpers.map((h) => h.share(id, chunks, ctrl));
    let mine = 0;
    try {
      for (
        let i = Atomics.add(ctrl, SHARE_NEXT, 1);
        i < chunks.length;
        i = Atomics.add(ctrl, SHARE_NEXT, 1)
      ) {
        runCalls(instance, chunks[i]);
        mine++;
        Atomics.add(ctrl, SHARE_DONE, 1);
      }
      this.sharing.runs++;
      this.sharing.chunks += chunks.length;
      this.sharing.byHelpers += chunks.length - mine;
    } catch (e) {
      Atomics.store(ctrl, SHARE_NEXT, chunks.length); // no more claims
      await Promise.allSettled(jobs); // the helpers still write into this memory: let them finish first
      throw e;
    }
    if (allChunksDone(ctrl, chunks.length)) {
      // Every chunk is written; the helpers' replies (they only find the counter exhausted) need no wait. A
      // helper that dies meanwhile is reported by its next run (GemmHelper keeps the failure).
      for (const job of jobs) job.catch(() => {});
      if (this.yieldClock.due()) await nextMacrotask(); // let a cancel message in
      return;
    }
    await Promise.all(jobs);
  }

  /** Units per chunk: a multiple of `unitMultiple`, about CHUNKS_PER_THREAD chunks per thread. */
  private grain(units: number, unitMultiple: number): number {
    if (this.helpers.length === 0) return Math.max(1, units);
    const multiples = Math.ceil(units / unitMultiple / (this.threads * CHUNKS_PER_THREAD));
    return unitMultiple * Math.max(1, multiples);
  }

  dispose(): void {
    for (const h of this.helpers) h.terminate();
    this.helpers.length = 0;
  }
}

export class GemmMatrix {
  private readonly memory: WebAssembly.Memory;
  private readonly kernel: Record<string, (...args: number[]) => void>;
  private readonly mr: number;
  private readonly panels: number;
  private readonly bOffset: number;
  private readonly cOffset: number;
  private disposed = false;

  constructor(
    private readonly engine: GemmEngine,
    private readonly id: number,
    src: Float32Array,
    readonly rows: number,
    readonly cols: number,
    readonly maxK: number,
    transposed: boolean,
  ) {
    if (src.length !== rows * cols) throw new Error(`A has ${src.length} values, expected ${rows} × ${cols}`);
    if (rows < 1 || cols < 1 || maxK < 1)
      throw new RangeError(`empty GEMM shape ${rows} × ${cols} × ${maxK}`);
    this.mr = engine.tileRows;
    this.panels = rowPanels(rows, this.mr);
    const width = columnPanels(maxK).width;
    this.bOffset = align16(this.panels * this.mr * cols * 4);
    this.cOffset = this.bOffset + align16(cols * width * 4);
    const pages = Math.ceil((this.cOffset + this.panels * this.mr * width * 4) / PAGE);
    if (pages > MAX_PAGES) throw new RangeError(`${rows} × ${cols} does not fit in WebAssembly memory`);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: engine.shared });
    const packed = new Float32Array(this.memory.buffer, 0, this.panels * this.mr * cols);
    packA(packed, src, rows, cols, this.mr, transposed);
    const instance = new WebAssembly.Instance(engine.module, { env: { memory: this.memory } });
    this.kernel = instance.exports as Record<string, (...args: number[]) => void>;
    engine.attach(id, this.memory);
  }

  /** For reports: the engine's description. */
  get route(): string {
    return this.engine.describe();
  }

  /** A·B for B (cols × k, row-major, k ≤ maxK); returns rows × k, row-major. */
  async multiply(b: Float32Array, k: number): Promise<Float32Array> {
    if (this.disposed) throw new Error('GEMM matrix used after dispose()');
    if (k < 1 || k > this.maxK) throw new RangeError(`k = ${k} outside 1..${this.maxK}`);
    if (b.length !== this.cols * k) throw new Error(`B has ${b.length} values, expected ${this.cols} × ${k}`);
    const cp = columnPanels(k);
    packB(new Float32Array(this.memory.buffer, this.bOffset, this.cols * cp.width), b, this.cols, k);
    const stride = cp.width * 4;
    const L = this.cols;
    const narrowB = this.bOffset + cp.wide * L * NR * 4;
    const lastCols = k - cp.wide * NR; // with a narrow panel, its real columns (1–4)
    const narrowFn = cp.narrow ? narrowKernel(lastCols) : '';
    const panelBytes = this.mr * L * 4;
    // With a narrow panel after wide ones, the row panels go in blocks whose A stays in cache between the two
    // calls (A is read from memory once, not twice); a single call per kind otherwise.
    const fewest = lastCols < 4 ? TAIL_BLOCK_PANELS : 1;
    const block =
      cp.wide > 0 && cp.narrow ? Math.max(fewest, Math.floor(TAIL_BLOCK_BYTES / panelBytes)) : this.panels;
    const callsFor = (first: number, count: number): KernelCall[] => {
      const calls: KernelCall[] = [];
      for (let p = first; p < first + count; p += block) {
        const m = Math.min(block, first + count - p);
        const a = p * panelBytes;
        const c = this.cOffset + p * this.mr * stride;
        if (cp.wide > 0) calls.push({ fn: 'gemm', args: [a, this.bOffset, c, m, L, cp.wide, stride] });
        if (cp.narrow)
          calls.push({ fn: narrowFn, args: [a, narrowB, c + cp.wide * NR * 4, m, L, 1, stride] });
      }
      return calls;
    };
    const chunkMultiple = block < this.panels ? block : 1; // chunks of whole blocks
    await this.engine.run(this.id, this.kernel, this.panels, callsFor, chunkMultiple);
    const c = new Float32Array(this.memory.buffer, this.cOffset, this.rows * cp.width);
    return unpackC(c, this.rows, k, cp.width);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.engine.detach(this.id);
  }
}
