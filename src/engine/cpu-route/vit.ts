// The Vision Transformer (the same network as TfVit, src/engine/vit/build.ts) on the CPU inference route.
// Every linear layer (patch embedding, qkv, proj, fc1, fc2) is one GEMM on the WasmNet with its bias fused,
// and the two residual adds of each block are fused into proj's and fc2's products. Folded at load, so the
// products carry them: the attention scale 1/√dh into qkv's query columns (a power of two for 64-wide heads,
// so exact), DINOv2's layer scale into proj's and fc2's columns and biases (h + ls·(xW + b) = h + x(W·ls) +
// b·ls up to float32 rounding, far inside the 1e-4 parity bar). Attention runs per (image, head) through
// the same kernel: Q·Kᵀ against K packed per call, softmax, P·V against V packed per call, written straight
// into its head's columns of the merged heads; each head is one unit of work on one thread and all heads of a
// chunk go out in one threaded call (WasmNet.runUnits). LayerNorm, softmax, GELU and QuickGELU run in the
// kernel's module on the same threads (src/engine/gemm/vector-ops.ts); GELU right after fc1's product.

import { type VitConfig, vitParamNames } from '../../convert/vit-keys.ts';
import type { PixelBatch } from '../../core/types.ts';
import type { GemmEngine } from '../gemm/gemm.ts';
import type { KernelCall } from '../gemm/helpers.ts';
import type { Normalisation } from '../resnet/build.ts';
import type { NamedTensor } from '../resnet/fold.ts';
import { labName, splitPositions, type VitFeature, vitFeatureSize } from '../vit/build.ts';
import { positionsForGrid } from '../vit/pos-embed.ts';
import { normaliseInto } from './pixels.ts';
import { embedSplittingOnRangeError } from './split-batch.ts';
import { type Activation, type Indirection, type PackedLayer, WasmNet } from './wasm-net.ts';

/** Score matrices of one attention chunk stay under this (DINOv2 at 518 px: 1370² floats per head). */
const ATTENTION_CHUNK_BYTES = 64 * 1024 * 1024;
const NR = 8;

/**
 * Collects a ViT's weights as they stream in (any order), packing each linear kernel into the WasmNet at once
 * so a ViT-L's 1.2 GB never sits in memory twice; small vectors stay here until `finish` folds them in.
 */
export class GemmVitBuilder {
  private readonly packed = new Map<string, PackedLayer>();
  private readonly host = new Map<string, Float32Array>();

  private constructor(private readonly net: WasmNet) {}

  static async start(engine: GemmEngine, weightBytes: number): Promise<GemmVitBuilder> {
    return new GemmVitBuilder(await WasmNet.create(engine, weightBytes));
  }

  /** Takes one lab tensor; throws RangeError when the route cannot hold it. */
  add(t: NamedTensor): void {
    if (t.name.endsWith('.kernel')) {
      const [cin, cout] = t.shape;
      if (t.shape.length !== 2) throw new Error(`${t.name} must be [in, out], got [${t.shape}]`);
      this.packed.set(t.name, this.net.pack(t.data, new Float32Array(cout), 1, cin, cout));
    } else {
      this.host.set(t.name, t.data);
    }
  }

  /** Checks that every weight came, folds the scales and biases into the packed layers. */
  finish(config: VitConfig, feature: VitFeature): GemmVit {
    try {
      const dh = config.width / config.heads;
      if (dh % NR !== 0) throw new RangeError(`${dh}-wide heads: the route's P·V needs a multiple of ${NR}`);
      for (const name of vitParamNames(config).map(labName)) {
        if (!this.packed.has(name) && !this.host.has(name)) throw new Error(`model weights lack '${name}'`);
      }
      return new GemmVit(config, feature, this.net, this.fold(config), this.host);
    } catch (e) {
      this.net.dispose();
      throw e;
    }
  }

  abandon(): void {
    this.net.dispose();
  }

  private fold(c: VitConfig): Map<string, PackedLayer> {
    const get = (name: string) => this.host.get(name);
    const layer = (name: string) => this.packed.get(`${name}.kernel`) as PackedLayer;
    this.setBias(layer('patch'), get('patch.bias'));
    const dh = c.width / c.heads;
    const qScale = new Float32Array(3 * c.width).fill(1).fill(1 / Math.sqrt(dh), 0, c.width);
    for (let i = 0; i < c.depth; i++) {
      const b = `blocks.${i}`;
      this.scaleColumns(layer(`${b}.qkv`), qScale);
      this.setBias(layer(`${b}.qkv`), get(`${b}.qkv.bias`), qScale);
      for (const [name, ls] of [
        ['proj', 'ls1'],
        ['fc2', 'ls2'],
      ]) {
        const scale = c.layerScale ? get(`${b}.${ls}`) : undefined;
        if (scale) this.scaleColumns(layer(`${b}.${name}`), scale);
        this.setBias(layer(`${b}.${name}`), get(`${b}.${name}.bias`), scale);
      }
      this.setBias(layer(`${b}.fc1`), get(`${b}.fc1.bias`));
    }
    const out = new Map<string, PackedLayer>();
    for (const [name, p] of this.packed) out.set(name.replace(/\.kernel$/, ''), p);
    return out;
  }

  private setBias(layer: PackedLayer, bias: Float32Array | undefined, scale?: Float32Array): void {
    const dst = this.net.f32(layer.bias, layer.cout);
    if (!bias) {
      dst.fill(0);
      return;
    }
    if (bias.length !== layer.cout) throw new Error(`bias of ${bias.length} for ${layer.cout} outputs`);
    for (let c = 0; c < layer.cout; c++) dst[c] = scale ? bias[c] * scale[c] : bias[c];
  }

  /** Multiplies output column c of a packed kernel ([panel][tap·cin][NR]) by scale[c]. */
  private scaleColumns(layer: PackedLayer, scale: Float32Array): void {
    if (scale.length !== layer.cout) throw new Error(`scale of ${scale.length} for ${layer.cout} outputs`);
    const depth = layer.taps * layer.cin;
    const w = this.net.f32(layer.w, depth * layer.cout);
    for (let q = 0; q < layer.cout / NR; q++) {
      for (let l = 0; l < depth; l++) {
        const at = (q * depth + l) * NR;
        for (let c = 0; c < NR; c++) w[at + c] *= scale[q * NR + c];
      }
    }
  }
}

export class GemmVit {
  readonly featureSize: number;
  private readonly prefix: Float32Array;
  private readonly gridTable: Float32Array;
  private readonly gridPositions = new Map<string, Float32Array>();
  /** Each LayerNorm's gamma and beta, copied into the network's memory for the kernel module. */
  private readonly norms = new Map<string, { gamma: number; beta: number }>();
  private readonly epsBits: number;

  /** Built by GemmVitBuilder.finish. */
  constructor(
    readonly config: VitConfig,
    readonly feature: VitFeature,
    private readonly net: WasmNet,
    private readonly layers: Map<string, PackedLayer>,
    private readonly vectors: Map<string, Float32Array>,
  ) {
    this.featureSize = vitFeatureSize(config, feature);
    const { prefix, grid } = splitPositions(config, vectors);
    this.prefix = prefix;
    this.gridTable = grid;
    this.epsBits = new Int32Array(Float32Array.of(config.layerNormEps).buffer)[0];
    const names = [
      'norm',
      ...Array.from({ length: config.depth }, (_, i) => [`blocks.${i}.norm1`, `blocks.${i}.norm2`]),
    ];
    if (config.preNorm) names.push('pre_norm');
    for (const name of names.flat()) {
      const at = (v: Float32Array) => {
        if (v.length !== config.width)
          throw new Error(`${name} has ${v.length} channels, not ${config.width}`);
        const a = net.alloc(v.length * 4);
        net.f32(a, v.length).set(v);
        return a;
      };
      this.norms.set(name, {
        gamma: at(this.vector(`${name}.weight`)),
        beta: at(this.vector(`${name}.bias`)),
      });
    }
  }

  get route(): string {
    const t = this.net.threads;
    return `wasm-gemm vit (${this.net.mr}×8 tiles, ${t} thread${t === 1 ? '' : 's'})`;
  }

  private vector(name: string): Float32Array {
    const v = this.vectors.get(name);
    if (!v) throw new Error(`model weights lack '${name}'`);
    return v;
  }

  private layer(name: string): PackedLayer {
    const l = this.layers.get(name);
    if (!l) throw new Error(`model weights lack '${name}.kernel'`);
    return l;
  }

  private positions(gh: number, gw: number): Float32Array {
    const key = `${gh}x${gw}`;
    let t = this.gridPositions.get(key);
    if (!t) {
      const c = this.config;
      t = positionsForGrid(this.gridTable, c.width, c.posGrid, [gh, gw], c.posEmbedResample);
      this.gridPositions.set(key, t);
    }
    return t;
  }

  /**
   * Features [n, featureSize] for [0,1] NHWC pixels; a batch too big for the route's memory runs in halves
   * (the same bits).
   */
  embed(batch: PixelBatch, norm: Normalisation): Promise<Float32Array> {
    return embedSplittingOnRangeError(batch, (b) => this.embedWhole(b, norm));
  }

  private async embedWhole(batch: PixelBatch, norm: Normalisation): Promise<Float32Array> {
    const mark = this.net.mark();
    try {
      const { tokens, count } = await this.embedTokens(batch, norm);
      const c = this.config;
      const all = tokens.rows;
      if (c.preNorm) await this.norm(tokens, tokens, 'pre_norm', all);
      let h = tokens;
      for (let i = 0; i < c.depth; i++) h = await this.block(h, i, batch.n, count);
      return await this.features(h, batch.n, count);
    } finally {
      this.net.release(mark);
    }
  }

  /** Patch embedding (one GEMM reading the patches in place), class/register tokens, positions. */
  private async embedTokens(
    batch: PixelBatch,
    norm: Normalisation,
  ): Promise<{ tokens: Activation; count: number }> {
    const { n, size } = batch;
    const { patchSize: p, width: D, registers } = this.config;
    const g = Math.floor(size / p);
    if (g === 0) throw new Error(`input ${size}×${size} is smaller than one ${p}-pixel patch`);
    const input = this.net.activation(n * size * size, 3);
    normaliseInto(this.net.f32(input.at, n * size * size * 3), batch.data, norm);
    // Packed as [p·p·3 → D], which is the same memory as p taps of 3p inputs: each tap a pixel row of the patch.
    const patch = this.layer('patch');
    const patchLayer: PackedLayer = { ...patch, taps: p, cin: 3 * p };
    const patches = this.net.activation(n * g * g, D);
    await this.net.apply(patchLayer, this.patchRows(input, n, size, g), patches, { relu: false });
    const count = 1 + registers + g * g;
    const tokens = this.net.activation(n * count, D);
    const dst = this.net.f32(tokens.at, n * count * D);
    const src = this.net.f32(patches.at, n * g * g * D);
    const pos = this.positions(g, g);
    const first = 1 + registers;
    for (let img = 0; img < n; img++) {
      dst.set(this.prefix, img * count * D);
      for (let t = 0; t < g * g; t++) {
        const from = (img * g * g + t) * D;
        const to = (img * count + first + t) * D;
        for (let d = 0; d < D; d++) dst[to + d] = src[from + d] + pos[t * D + d];
      }
    }
    return { tokens, count };
  }

  /** Each patch's p taps are its p pixel rows (3p contiguous floats each); a stride-p conv's crop is implicit. */
  private patchRows(input: Activation, n: number, size: number, g: number): Indirection {
    const p = this.config.patchSize;
    const MR = this.net.mr;
    const rows = n * g * g;
    const panels = Math.ceil(rows / MR);
    const at = this.net.alloc(panels * p * MR * 4);
    const ind = this.net.i32(at, panels * p * MR);
    ind.fill(this.net.zero);
    for (let m = 0; m < rows; m++) {
      const gx = m % g;
      const gy = ((m - gx) / g) % g;
      const img = (m - gx - gy * g) / (g * g);
      const base = ((m / MR) | 0) * p * MR + (m % MR);
      for (let ky = 0; ky < p; ky++)
        ind[base + ky * MR] = input.at + ((img * size + gy * p + ky) * size + gx * p) * 3 * 4;
    }
    return { at, rows, taps: p };
  }

  /** LayerNorm `name` of `rows` rows of x (every `stride`-th) into the first rows of out (may be x). */
  private norm(x: Activation, out: Activation, name: string, rows: number, stride = 1): Promise<void> {
    const D = this.config.width;
    const p = this.norms.get(name);
    if (!p) throw new Error(`model weights lack '${name}.weight'`);
    const from = stride * D * 4;
    const to = D * 4;
    return this.net.runRows(rows, (first, count) => [
      {
        fn: 'layer_norm_rows',
        args: [x.at + first * from, out.at + first * to, count, from, to, D, p.gamma, p.beta, this.epsBits],
      },
    ]);
  }

  /** One pre-norm block; its scratch is released, its output stays (allocated before the scratch). */
  private async block(h: Activation, i: number, n: number, count: number): Promise<Activation> {
    const c = this.config;
    const h3 = this.net.activation(h.rows, c.width);
    const mark = this.net.mark();
    try {
      await this.blockInto(h, h3, `blocks.${i}`, n, count);
    } finally {
      this.net.release(mark);
    }
    return h3;
  }

  private async blockInto(h: Activation, h3: Activation, b: string, n: number, count: number): Promise<void> {
    const c = this.config;
    const y = this.net.activation(h.rows, c.width);
    await this.norm(h, y, `${b}.norm1`, h.rows);
    const qkv = this.net.activation(h.rows, 3 * c.width);
    await this.net.apply(this.layer(`${b}.qkv`), this.net.rowsOf(y), qkv, { relu: false });
    const merged = await this.attention(qkv, n, count);
    const h2 = this.net.activation(h.rows, c.width);
    await this.net.apply(this.layer(`${b}.proj`), merged, h2, { relu: false, residual: h });
    await this.norm(h2, y, `${b}.norm2`, h.rows);
    const hidden = this.net.activation(h.rows, c.mlpWidth);
    const then = c.activation === 'quick-gelu' ? 'quick_gelu' : 'gelu';
    await this.net.apply(this.layer(`${b}.fc1`), this.net.rowsOf(y), hidden, { relu: false, then });
    await this.net.apply(this.layer(`${b}.fc2`), this.net.rowsOf(hidden), h3, { relu: false, residual: h2 });
  }

  /**
   * softmax(Q·Kᵀ)·V per (image, head), returned as the rows of the merged heads ([n·T, D], heads side by
   * side) for proj to read. The query columns of qkv already carry 1/√dh. Keys are padded to a multiple of 8
   * (the kernel's panel width) with zero rows whose weights softmax_rows sets to 0. Each image's block of
   * merged rows is padded to whole row panels, so a head's P·V writes its whole tiles into its own rows and
   * columns only, whichever thread runs it.
   */
  private async attention(qkv: Activation, n: number, T: number): Promise<Indirection> {
    const { heads: H, width: D } = this.config;
    const dh = D / H;
    const keys = Math.ceil(T / NR) * NR;
    if (keys > 8192) throw new RangeError(`${T} tokens: the route's attention takes at most 8192`);
    const tPad = Math.ceil(T / this.net.mr) * this.net.mr;
    const merged = this.net.activation(n * tPad, D);
    const perPair = tPad * keys * 4;
    const chunk = Math.max(1, Math.floor(ATTENTION_CHUNK_BYTES / perPair));
    const pairs = n * H;
    for (let start = 0; start < pairs; start += chunk) {
      const mark = this.net.mark();
      const units = Array.from({ length: Math.min(chunk, pairs - start) }, (_, j) =>
        this.headUnit(qkv, merged, start + j, T, tPad, keys, dh),
      );
      await this.net.runUnits(units);
      this.net.release(mark);
    }
    return this.rowsAt(merged.at, n * T, (m) => ((m - (m % T)) / T) * tPad * D * 4 + (m % T) * D * 4);
  }

  /**
   * One (image, head) pair as kernel calls: K and V packed into scratch layers, Q·Kᵀ into its scores,
   * softmax, P·V into its columns of the merged heads.
   */
  private headUnit(
    qkv: Activation,
    merged: Activation,
    pair: number,
    T: number,
    tPad: number,
    keys: number,
    dh: number,
  ): KernelCall[] {
    const D = this.config.width;
    const img = Math.floor(pair / this.config.heads);
    const head = pair % this.config.heads;
    const row = (t: number) => (img * T + t) * 3 * D;
    const k = this.net.alloc(keys * dh * 4);
    const v = this.net.alloc(keys * dh * 4);
    const queries = this.rowsAt(qkv.at, T, (t) => (row(t) + head * dh) * 4);
    const scores = this.net.activation(T, keys);
    const zero = this.net.zero;
    const kLayer: PackedLayer = { w: k, bias: zero, taps: 1, cin: dh, cout: keys };
    const vLayer: PackedLayer = { w: v, bias: zero, taps: 1, cin: keys, cout: dh };
    const mixAt = merged.at + (img * tPad * D + head * dh) * 4;
    const firstKey = qkv.at + (row(0) + D + head * dh) * 4;
    return [
      { fn: 'pack_head', args: [firstKey, k, v, T, keys, dh, 3 * D * 4, D * 4] },
      this.net.productCall(kLayer, queries, scores.at, keys * 4),
      { fn: 'softmax_rows', args: [scores.at, T, T, keys] },
      this.net.productCall(vLayer, this.net.rowsOf(scores), mixAt, D * 4),
    ];
  }

  /** An indirection over `rows` rows at base + offset(r) bytes; padding rows read zeros. */
  private rowsAt(base: number, rows: number, offset: (r: number) => number): Indirection {
    const MR = this.net.mr;
    const padded = Math.ceil(rows / MR) * MR;
    const at = this.net.alloc(padded * 4);
    const ind = this.net.i32(at, padded);
    for (let m = 0; m < padded; m++) ind[m] = m < rows ? base + offset(m) : this.net.zero;
    return { at, rows, taps: 1 };
  }

  /** Final norm, then the class token, the patch mean or CLIP's projection of the class token. */
  private async features(h: Activation, n: number, count: number): Promise<Float32Array> {
    const c = this.config;
    const D = c.width;
    const out = new Float32Array(n * this.featureSize);
    if (this.feature === 'patch-mean') {
      const seq = this.net.activation(h.rows, D);
      await this.norm(h, seq, 'norm', h.rows);
      const x = this.net.f32(seq.at, h.rows * D);
      const first = 1 + c.registers;
      const sum = new Float64Array(D);
      for (let img = 0; img < n; img++) {
        sum.fill(0);
        for (let t = first; t < count; t++)
          for (let d = 0; d < D; d++) sum[d] += x[(img * count + t) * D + d];
        for (let d = 0; d < D; d++) out[img * D + d] = sum[d] / (count - first);
      }
      return out;
    }
    const cls = this.net.activation(n, D);
    await this.norm(h, cls, 'norm', n, count);
    const x = this.net.f32(cls.at, n * D);
    if (this.feature === 'cls') return x.slice();
    const proj = this.vector('proj');
    const P = this.featureSize;
    const acc = new Float64Array(P);
    for (let img = 0; img < n; img++) {
      acc.fill(0);
      for (let d = 0; d < D; d++) {
        const v = x[img * D + d];
        for (let q = 0; q < P; q++) acc[q] += v * proj[d * P + q];
      }
      out.set(acc, img * P);
    }
    return out;
  }

  dispose(): void {
    this.net.dispose();
  }
}

/** A GemmVit from tensors already in memory (a LabModel's), on `engine`. */
export async function buildGemmVit(
  engine: GemmEngine,
  config: VitConfig,
  feature: VitFeature,
  tensors: Iterable<NamedTensor>,
): Promise<GemmVit> {
  const list = [...tensors];
  const bytes = list.reduce((sum, t) => sum + t.data.length * 4, 0);
  const builder = await GemmVitBuilder.start(engine, bytes);
  try {
    for (const t of list) builder.add(t);
  } catch (e) {
    builder.abandon();
    throw e;
  }
  return builder.finish(config, feature);
}
