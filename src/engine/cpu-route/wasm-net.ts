// One network's home on the CPU inference route: a WebAssembly memory holding its packed weights (for the
// lifetime of the backbone) and the activations of the batch in flight (released after each batch), the
// indirect-GEMM kernel (src/engine/gemm/conv-kernel.ts) instantiated on it, and the GEMM engine's helper
// threads sharing it. Layers are convolutions (NHWC, any kernel, stride and symmetric padding) and linear
// layers, each with its bias, an optional residual and an optional ReLU fused into the product.

import { CONV_NR, type ConvTileRows, convKernelName } from '../gemm/conv-kernel.ts';
import type { GemmEngine } from '../gemm/gemm.ts';
import type { KernelCall } from '../gemm/helpers.ts';
import { convKernelFor } from './conv-tile.ts';

const PAGE = 65536;
/** 2 GiB: a ViT-L's weights (1.2 GB) with its activations; shared memories reserve their maximum up front. */
const MAX_PAGES = 32768;
/** Zero floats that padding taps read: at least the widest input a layer takes. */
const ZERO_FLOATS = 8192;

const align64 = (bytes: number) => Math.ceil(bytes / 64) * 64;

/**
 * Indirection buffers are kept (as copies) up to this many bytes: every batch of the same size allocates its
 * activations at the same addresses, so its buffers are the same, and copying one back is much cheaper than
 * building it (building them took about 5% of a ResNet-50 batch of 8 in Node, 2026-12-03). A ResNet-50 batch
 * of 8 needs about 5 MB of them, so the cap holds several batch sizes per network.
 */
const INDIRECTION_MEMO_BYTES = 32 * 1024 * 1024;

/**
 * Input bytes of the rows of one row block: the kernel streams each column panel of W once per block, so a
 * block's rows should stay in L2 while W's panels pass. On the 2-core EPYC (1 MiB L2 per core) ResNet-50 at
 * 224 px ran within noise of the unblocked order (block of one panel) for 32 KiB to 512 KiB blocks (about
 * 1.8–2.1 s per batch of 8 on 2 threads, 2026-12-03): the kernel, not memory, is the limit there. The
 * blocking is kept for machines with smaller caches; results never depend on it.
 */
let blockBytes = 128 * 1024;

/** For benchmarks: the row block's input bytes (results do not depend on it, only speed). */
export function setRowBlockBytes(bytes: number): void {
  blockBytes = bytes;
}

/** Row panels per block for a layer reading `taps`·`cin` floats per row. */
function rowBlock(mr: number, taps: number, cin: number): number {
  return Math.max(1, Math.floor(blockBytes / (mr * taps * cin * 4)));
}

/** A layer's weights packed once: [panel of NR outputs][tap][cin][NR], and its bias. */
export interface PackedLayer {
  readonly w: number;
  readonly bias: number;
  readonly taps: number;
  readonly cin: number;
  readonly cout: number;
}

/** An activation tensor in the memory: `rows` × `channels` floats, row-major, room for whole row panels. */
export interface Activation {
  readonly at: number;
  readonly rows: number;
  readonly channels: number;
}

/** Where each output row of a layer reads its taps: the indirection buffer and the row count. */
export interface Indirection {
  readonly at: number;
  readonly rows: number;
  readonly taps: number;
}

export interface ConvGeometry {
  n: number;
  height: number;
  width: number;
  kernel: number;
  stride: number;
  pad: number;
}

export function convOutputSize(size: number, kernel: number, stride: number, pad: number): number {
  return Math.floor((size + 2 * pad - kernel) / stride) + 1;
}

export class WasmNet {
  private readonly memory: WebAssembly.Memory;
  private readonly kernel: Record<string, (...args: number[]) => void>;
  private readonly id: number;
  private top = 0;
  private disposed = false;
  private readonly indirections = new Map<string, Int32Array>();
  private indirectionBytes = 0;
  readonly mr: ConvTileRows;
  readonly zero: number;

  private constructor(
    private readonly engine: GemmEngine,
    module: WebAssembly.Module,
    mr: ConvTileRows,
    initialBytes: number,
    private readonly maxPages: number,
  ) {
    this.mr = mr;
    const pages = Math.min(maxPages, Math.ceil((initialBytes + ZERO_FLOATS * 4) / PAGE) + 1);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: maxPages, shared: engine.shared });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.kernel = instance.exports as Record<string, (...args: number[]) => void>;
    this.id = engine.newId();
    engine.attach(this.id, this.memory, module);
    this.zero = this.alloc(ZERO_FLOATS * 4);
    this.f32(this.zero, ZERO_FLOATS).fill(0);
  }

  /**
   * A network home with room for `weightBytes` of packed weights to start with; it grows as needed up to
   * `maxBytes` (default and ceiling 2 GiB), past which alloc throws a RangeError.
   */
  static async create(
    engine: GemmEngine,
    weightBytes: number,
    maxBytes = MAX_PAGES * PAGE,
  ): Promise<WasmNet> {
    const { mr, module } = await convKernelFor(engine);
    const maxPages = Math.max(1, Math.min(MAX_PAGES, Math.floor(maxBytes / PAGE)));
    return new WasmNet(engine, module, mr, weightBytes, maxPages);
  }

  get threads(): number {
    return this.engine.threads;
  }

  /**
   * Bytes from the top of the memory, not cleared: every user writes what it reads (rows past an activation's
   * end are written by the kernel's whole tiles but never read as data).
   */
  alloc(bytes: number): number {
    const at = this.top;
    const end = align64(at + bytes);
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      if (have / PAGE + pages > this.maxPages)
        throw new RangeError(
          `the network needs ${(end / 2 ** 20).toFixed(0)} MiB, over its ${((this.maxPages * PAGE) / 2 ** 20).toFixed(0)} MiB limit`,
        );
      this.memory.grow(pages);
    }
    this.top = end;
    return at;
  }

  /** The current top: everything allocated after it is released by `release(mark)`. */
  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  /** A float view of the memory (views are invalid after the memory grows: take them just before use). */
  f32(at: number, count: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, count);
  }

  i32(at: number, count: number): Int32Array {
    return new Int32Array(this.memory.buffer, at, count);
  }

  /** Room for `rows` × `channels` floats, padded to whole row panels (the kernel writes whole tiles). */
  activation(rows: number, channels: number): Activation {
    const padded = Math.ceil(rows / this.mr) * this.mr;
    return { at: this.alloc(padded * channels * 4), rows, channels };
  }

  /**
   * Packs a kernel given as [taps][cin][cout] (HWIO flattened, or a linear layer's [in, out]) and its bias.
   * cout must be a multiple of NR (8): every torchvision ResNet and every ViT width is.
   */
  pack(kernel: Float32Array, bias: Float32Array, taps: number, cin: number, cout: number): PackedLayer {
    if (cout % CONV_NR !== 0)
      throw new RangeError(`${cout} output channels: the route needs a multiple of 8`);
    if (cin > ZERO_FLOATS)
      throw new RangeError(`${cin} input channels: the route takes at most ${ZERO_FLOATS}`);
    if (kernel.length !== taps * cin * cout || bias.length !== cout)
      throw new Error(
        `kernel ${kernel.length} / bias ${bias.length} values do not fit ${taps}×${cin}×${cout}`,
      );
    const w = this.alloc(kernel.length * 4);
    const b = this.alloc(cout * 4);
    const packed = this.f32(w, kernel.length);
    const panels = cout / CONV_NR;
    const perPanel = taps * cin * CONV_NR;
    for (let l = 0; l < taps * cin; l++) {
      const from = l * cout;
      for (let q = 0; q < panels; q++) {
        const to = q * perPanel + l * CONV_NR;
        for (let c = 0; c < CONV_NR; c++) packed[to + c] = kernel[from + q * CONV_NR + c];
      }
    }
    this.f32(b, cout).set(bias);
    return { w, bias: b, taps, cin, cout };
  }

  /** Rows read themselves: a linear layer, or a 1×1 stride-1 convolution on `x`. */
  rowsOf(x: Activation): Indirection {
    const panels = Math.ceil(x.rows / this.mr);
    const at = this.indirection(`rows ${x.at} ${x.rows} ${x.channels}`, panels * this.mr, (ind) => {
      const rowBytes = x.channels * 4;
      for (let m = 0; m < panels * this.mr; m++) ind[m] = m < x.rows ? x.at + m * rowBytes : this.zero;
    });
    return { at, rows: x.rows, taps: 1 };
  }

  /**
   * Room for an indirection buffer of `count` addresses, filled by `build`, or by a copy of the one built
   * before under the same key (a key must name everything its content depends on besides the tile height
   * and the zero vector, which are fixed per network).
   */
  indirection(key: string, count: number, build: (ind: Int32Array) => void): number {
    const at = this.alloc(count * 4);
    const ind = this.i32(at, count);
    const known = this.indirections.get(key);
    if (known) {
      ind.set(known);
      return at;
    }
    build(ind);
    if (this.indirectionBytes + count * 4 <= INDIRECTION_MEMO_BYTES) {
      this.indirections.set(key, ind.slice());
      this.indirectionBytes += count * 4;
    }
    return at;
  }

  /** The taps of a convolution over x (NHWC [n, height, width, channels]), PyTorch's symmetric padding. */
  convTaps(x: Activation, g: ConvGeometry): Indirection {
    const ho = convOutputSize(g.height, g.kernel, g.stride, g.pad);
    const wo = convOutputSize(g.width, g.kernel, g.stride, g.pad);
    const rows = g.n * ho * wo;
    const taps = g.kernel * g.kernel;
    const MR = this.mr;
    const panels = Math.ceil(rows / MR);
    const key = `taps ${x.at} ${x.channels} ${g.n} ${g.height} ${g.width} ${g.kernel} ${g.stride} ${g.pad}`;
    const at = this.indirection(key, panels * taps * MR, (ind) => this.fillTaps(ind, x, g, ho, wo));
    return { at, rows, taps };
  }

  private fillTaps(ind: Int32Array, x: Activation, g: ConvGeometry, ho: number, wo: number): void {
    const rows = g.n * ho * wo;
    const taps = g.kernel * g.kernel;
    const MR = this.mr;
    const pixelBytes = x.channels * 4;
    ind.fill(this.zero);
    for (let m = 0; m < rows; m++) {
      const ox = m % wo;
      const oy = ((m - ox) / wo) % ho;
      const n = (m - ox - oy * wo) / (wo * ho);
      const panelBase = ((m / MR) | 0) * taps * MR + (m % MR);
      for (let ky = 0; ky < g.kernel; ky++) {
        const iy = oy * g.stride - g.pad + ky;
        if (iy < 0 || iy >= g.height) continue;
        for (let kx = 0; kx < g.kernel; kx++) {
          const ix = ox * g.stride - g.pad + kx;
          if (ix < 0 || ix >= g.width) continue;
          ind[panelBase + (ky * g.kernel + kx) * MR] =
            x.at + ((n * g.height + iy) * g.width + ix) * pixelBytes;
        }
      }
    }
  }

  /**
   * out = (rows of `from`)·W + bias (+ residual) (→ ReLU), rows split over the threads. `then` applies GELU or
   * QuickGELU to each thread's rows right after its product (vector-ops.ts), while they are still in cache.
   */
  async apply(
    layer: PackedLayer,
    from: Indirection,
    out: Activation,
    opts: { relu: boolean; residual?: Activation; then?: 'gelu' | 'quick_gelu' },
  ): Promise<void> {
    if (this.disposed) throw new Error('CPU-route network used after dispose()');
    if (from.taps !== layer.taps || out.channels !== layer.cout || out.rows !== from.rows)
      throw new Error('layer, taps and output do not fit together');
    const res = opts.residual;
    if (res && (res.rows !== out.rows || res.channels !== out.channels))
      throw new Error('the residual must have the output shape');
    const fn = convKernelName(res !== undefined, opts.relu);
    const block = rowBlock(this.mr, layer.taps, layer.cin);
    const stride = out.channels * 4;
    const tileBytes = this.mr * stride;
    const indTile = layer.taps * this.mr * 4;
    const cinBytes = layer.cin * 4;
    const colPanels = layer.cout / CONV_NR;
    const callsFor = (first: number, count: number): KernelCall[] => [
      {
        fn,
        args: [
          from.at + first * indTile,
          layer.w,
          out.at + first * tileBytes,
          count,
          layer.taps,
          cinBytes,
          colPanels,
          stride,
          layer.bias,
          res ? res.at + first * tileBytes : 0,
          block,
        ],
      },
      ...(opts.then
        ? [{ fn: opts.then, args: [out.at + first * tileBytes, count * this.mr * out.channels] }]
        : []),
    ];
    // Chunks of whole row blocks, so a thread reads W once per block as one thread alone would.
    await this.engine.run(this.id, this.kernel, Math.ceil(out.rows / this.mr), callsFor, block);
  }

  /**
   * One call computing a whole product into C at `outAt` with rows `outStride` bytes apart (a view into a
   * wider tensor: an attention head's columns of the merged heads), for runUnits. No residual, no ReLU.
   */
  productCall(layer: PackedLayer, from: Indirection, outAt: number, outStride: number): KernelCall {
    if (from.taps !== layer.taps) throw new Error('layer and taps do not fit together');
    const block = rowBlock(this.mr, layer.taps, layer.cin);
    const rowPanels = Math.ceil(from.rows / this.mr);
    const args = [
      from.at,
      layer.w,
      outAt,
      rowPanels,
      layer.taps,
      layer.cin * 4,
      layer.cout / CONV_NR,
      outStride,
    ];
    return { fn: convKernelName(false, false), args: [...args, layer.bias, 0, block] };
  }

  /**
   * Independent units of work, each a list of kernel calls run in order on one thread (an attention head's
   * scores, softmax and mix), the units split over the threads in one message each. A unit's bits do not
   * depend on which thread ran it.
   */
  async runUnits(units: readonly KernelCall[][]): Promise<void> {
    if (this.disposed) throw new Error('CPU-route network used after dispose()');
    await this.engine.run(this.id, this.kernel, units.length, (first, count) =>
      units.slice(first, first + count).flat(),
    );
  }

  /** `count` row-wise units split over the threads, `callsFor(first, count)` giving each share's calls. */
  async runRows(count: number, callsFor: (first: number, count: number) => KernelCall[]): Promise<void> {
    if (this.disposed) throw new Error('CPU-route network used after dispose()');
    if (count > 0) await this.engine.run(this.id, this.kernel, count, callsFor);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.indirections.clear();
    this.engine.detach(this.id);
  }
}
