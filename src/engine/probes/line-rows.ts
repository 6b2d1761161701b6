// The n × K part of each line-search trial on the GEMM's threads (line-rows-wasm.ts has the kernel and why its
// bits are the JavaScript's). This class owns the buffers a LogRegLine works in — two logit matrices (the
// search's base and its trial), the direction's logits, the float32 residual — in one WebAssembly memory
// shared with the helper threads, runs the rows split over the threads, and finishes on the host: log/log1p
// once per row and the two sums in row order, exactly as softmaxCrossEntropyAlong takes them.

import { type LineTrial, rowCrossEntropy } from '../../core/metrics/softmax-cross-entropy.ts';
import type { GemmEngine } from '../gemm/gemm.ts';
import { gemmEngine } from '../gemm/shared-engine.ts';
import { lineRowsModuleBytes } from './line-rows-wasm.ts';

const PAGE = 65536;
/** Above this the buffers stay ordinary arrays and the trial runs in JavaScript (wasm32 addresses < 4 GiB). */
const MAX_BYTES = 2 ** 31;

const modules = new Map<boolean, Promise<WebAssembly.Module>>();
function compiled(shared: boolean): Promise<WebAssembly.Module> {
  let m = modules.get(shared);
  if (!m) {
    m = WebAssembly.compile(lineRowsModuleBytes(shared) as BufferSource);
    modules.set(shared, m);
  }
  return m;
}

/** Byte layout of the buffers for n rows of k classes (float64 regions first, so all stay aligned). */
function layout(n: number, k: number) {
  const m = n * k;
  const z0 = 0;
  const z1 = z0 + 8 * m;
  const dir = z1 + 8 * m;
  const prod = dir + 8 * m;
  const stats = prod + 8 * m;
  const stp = stats + 24 * n;
  const residual = stp + 8;
  const labels = residual + 4 * m;
  return { z0, z1, dir, prod, stats, stp, residual, labels, bytes: labels + 4 * n };
}

export class LineRows {
  /** The two logit buffers a line alternates between (base and trial). */
  readonly z: [Float64Array, Float64Array];
  readonly dir: Float64Array;
  readonly residual: Float32Array;
  private readonly prod: Float64Array;
  private readonly stats: Float64Array;
  private readonly stp: Float64Array;
  private readonly labels: Int32Array;
  private readonly kernel: Record<string, (...args: number[]) => void>;
  private readonly at: ReturnType<typeof layout>;
  private disposed = false;

  private constructor(
    private readonly engine: GemmEngine,
    private readonly id: number,
    private readonly memory: WebAssembly.Memory,
    module: WebAssembly.Module,
    readonly n: number,
    readonly k: number,
  ) {
    const at = layout(n, k);
    this.at = at;
    const buffer = memory.buffer;
    const m = n * k;
    this.z = [new Float64Array(buffer, at.z0, m), new Float64Array(buffer, at.z1, m)];
    this.dir = new Float64Array(buffer, at.dir, m);
    this.prod = new Float64Array(buffer, at.prod, m);
    this.stats = new Float64Array(buffer, at.stats, 3 * n);
    this.stp = new Float64Array(buffer, at.stp, 1);
    this.residual = new Float32Array(buffer, at.residual, m);
    this.labels = new Int32Array(buffer, at.labels, n);
    this.kernel = new WebAssembly.Instance(module, { env: { memory } }).exports as LineRows['kernel'];
    engine.attach(id, memory, module);
  }

  /**
   * Buffers and kernel for n × k on `engine` (default: the shared one), or null where the GEMM engine is
   * missing or the buffers would not fit.
   */
  static async create(
    n: number,
    k: number,
    labels: Int32Array,
    engine: GemmEngine | null = null,
  ): Promise<LineRows | null> {
    const { bytes } = layout(n, k);
    if (n < 1 || k < 1 || bytes > MAX_BYTES) return null;
    engine ??= await gemmEngine();
    if (!engine) return null;
    const pages = Math.ceil(bytes / PAGE);
    let memory: WebAssembly.Memory;
    try {
      memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: engine.shared });
    } catch (e) {
      if (e instanceof RangeError) return null; // no room for it here: the trials stay in JavaScript
      throw e;
    }
    const rows = new LineRows(engine, engine.newId(), memory, await compiled(engine.shared), n, k);
    rows.setLabels(labels);
    return rows;
  }

  setLabels(labels: Int32Array): void {
    if (labels.length !== this.n) throw new Error(`${labels.length} labels for ${this.n} rows`);
    this.labels.set(labels);
  }

  /** The byte address of `a`, which must be one of this object's n × k buffers (else it throws). */
  private address(a: Float64Array): number {
    if (a.buffer !== this.memory.buffer || a.length !== this.n * this.k)
      throw new Error('LineRows: a buffer that is not one of its own');
    return a.byteOffset;
  }

  /**
   * softmaxCrossEntropyAlong(base, dir, stp, labels, k, z, this.residual), bit for bit: base, z and dir must
   * be this object's buffers (z may be base; dir null for z = base).
   */
  async along(
    base: Float64Array,
    dir: Float64Array | null,
    stp: number,
    z: Float64Array,
  ): Promise<LineTrial> {
    if (this.disposed) throw new Error('LineRows used after dispose()');
    const { n, k, at } = this;
    const args = [
      this.address(base),
      dir ? this.address(dir) : at.dir,
      this.address(z),
      at.residual,
      at.labels,
    ];
    this.stp[0] = stp;
    await this.engine.run(this.id, this.kernel, n, (first, count) => [
      { fn: 'rows', args: [...args, at.stats, at.prod, k, first, count, dir ? 1 : 0, at.stp] },
    ]);
    let ce = 0;
    const stats = this.stats;
    for (let i = 0; i < n; i++)
      ce += rowCrossEntropy(z[i * k + this.labels[i]], stats[3 * i], stats[3 * i + 1], stats[3 * i + 2]);
    let slope = 0;
    if (dir) for (let j = 0; j < n * k; j++) slope += this.prod[j];
    return { ce, slope };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.engine.detach(this.id);
  }
}
