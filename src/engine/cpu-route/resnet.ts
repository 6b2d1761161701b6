// The torchvision ResNet (the same network as src/engine/resnet/build.ts) on the CPU inference route: every
// convolution is one indirect GEMM with BatchNorm already folded into its kernel and bias, and with the bias,
// the residual add and the ReLU fused into the product's epilogue; a bottleneck's 3×3 conv2 at stride 1 runs
// as Winograd F(2×2, 3×3) (winograd.ts). The stem's
// max pool runs as SIMD on the kernel's threads, the global average pool as a float64 loop here.

import type { PixelBatch } from '../../core/types.ts';
import type { GemmEngine } from '../gemm/gemm.ts';
import type { Normalisation } from '../resnet/build.ts';
import { blockConvNames, blockPrefix, featureSizeOf, type ResNetConfig } from '../resnet/config.ts';
import type { NamedTensor } from '../resnet/fold.ts';
import { normaliseInto } from './pixels.ts';
import { embedSplittingOnRangeError } from './split-batch.ts';
import { type Activation, convOutputSize, type PackedLayer, WasmNet } from './wasm-net.ts';
import { WinogradConv, winogradApplies } from './winograd.ts';

interface ConvLayer {
  packed: PackedLayer;
  kernel: number;
}

/** An activation with its image geometry. */
interface Map4 {
  x: Activation;
  n: number;
  height: number;
  width: number;
}

let scalarMaxPool = false;

/** For tests: pool with the scalar loop even where the SIMD one applies. */
export function setScalarMaxPool(on: boolean): void {
  scalarMaxPool = on;
}

export class GemmResNet {
  readonly featureSize: number;
  private readonly convs = new Map<string, ConvLayer>();
  /** 3×3 stride-1 convolutions without a residual, as Winograd F(2×2, 3×3) (winograd.ts). */
  private readonly winograd = new Map<string, WinogradConv>();

  private constructor(
    readonly config: ResNetConfig,
    private readonly net: WasmNet,
  ) {
    this.featureSize = featureSizeOf(config);
  }

  /** Packs the folded weights (names from foldResNet) into a network home on `engine`. */
  static async create(
    engine: GemmEngine,
    config: ResNetConfig,
    weights: Map<string, NamedTensor>,
    opts: { maxBytes?: number } = {},
  ): Promise<GemmResNet> {
    let bytes = 0;
    for (const t of weights.values()) bytes += t.data.length * 4;
    const net = await WasmNet.create(engine, bytes, opts.maxBytes);
    const model = new GemmResNet(config, net);
    try {
      for (const name of convNames(config, weights)) model.packConv(name, weights, winogradNames(config));
    } catch (e) {
      net.dispose();
      throw e;
    }
    return model;
  }

  get route(): string {
    return `wasm-gemm conv (${this.net.mr}×8 tiles, mul+add, ${this.net.threads} thread${this.net.threads === 1 ? '' : 's'})`;
  }

  private packConv(name: string, weights: Map<string, NamedTensor>, winograd: Set<string>): void {
    const k = weights.get(`${name}.kernel`);
    const b = weights.get(`${name}.bias`);
    if (!k || !b) throw new Error(`model weights lack '${name}'`);
    const [kh, kw, cin, cout] = k.shape;
    if (k.shape.length !== 4 || kh !== kw)
      throw new Error(`${name}.kernel must be square HWIO, got [${k.shape}]`);
    if (winograd.has(name) && winogradApplies(kh, cin)) {
      this.winograd.set(name, WinogradConv.pack(this.net, k.data, b.data, cin, cout));
      return;
    }
    this.convs.set(name, { packed: this.net.pack(k.data, b.data, kh * kw, cin, cout), kernel: kh });
  }

  private async conv(
    input: Map4,
    name: string,
    stride: number,
    relu: boolean,
    residual?: Activation,
  ): Promise<Map4> {
    const wino = this.winograd.get(name);
    if (wino) {
      if (stride !== 1 || residual) throw new Error(`'${name}' was packed for stride 1 without a residual`);
      const x = await wino.apply(this.net, input.x, input.n, input.height, input.width, relu);
      return { x, n: input.n, height: input.height, width: input.width };
    }
    const layer = this.convs.get(name);
    if (!layer) throw new Error(`no conv '${name}'`);
    const { kernel } = layer;
    const pad = Math.floor(kernel / 2);
    const height = convOutputSize(input.height, kernel, stride, pad);
    const width = convOutputSize(input.width, kernel, stride, pad);
    const taps =
      kernel === 1 && stride === 1
        ? this.net.rowsOf(input.x)
        : this.net.convTaps(input.x, {
            n: input.n,
            height: input.height,
            width: input.width,
            kernel,
            stride,
            pad,
          });
    const x = this.net.activation(input.n * height * width, layer.packed.cout);
    await this.net.apply(layer.packed, taps, x, { relu, residual });
    return { x, n: input.n, height, width };
  }

  private async block(h: Map4, prefix: string, stride: number): Promise<Map4> {
    const shortcut = this.convs.has(`${prefix}.downsample`)
      ? (await this.conv(h, `${prefix}.downsample`, stride, false)).x
      : h.x;
    if (this.config.block === 'bottleneck') {
      const a = await this.conv(h, `${prefix}.conv1`, 1, true);
      const b = await this.conv(a, `${prefix}.conv2`, stride, true);
      return this.conv(b, `${prefix}.conv3`, 1, true, shortcut);
    }
    const a = await this.conv(h, `${prefix}.conv1`, stride, true);
    return this.conv(a, `${prefix}.conv2`, 1, true, shortcut);
  }

  /** layer4's output map for [0,1] NHWC pixels; `use` reads it before its memory is released. */
  private async withMap<T>(batch: PixelBatch, norm: Normalisation, use: (map: Map4) => T): Promise<T> {
    const mark = this.net.mark();
    try {
      const { n, size } = batch;
      const input = this.net.activation(n * size * size, 3);
      normaliseInto(this.net.f32(input.at, n * size * size * 3), batch.data, norm);
      let h = await this.conv({ x: input, n, height: size, width: size }, 'conv1', 2, true);
      h = await this.maxPool(h);
      for (let stage = 0; stage < 4; stage++) {
        for (let b = 0; b < this.config.layers[stage]; b++)
          h = await this.block(h, blockPrefix(stage, b), stage > 0 && b === 0 ? 2 : 1);
      }
      return use(h);
    } finally {
      this.net.release(mark);
    }
  }

  /**
   * Pooled features [N, D], row-major. A batch whose activations do not fit the route's memory runs as two
   * halves: every row's sums are the same in any batch, so the features are the same bits.
   */
  embed(batch: PixelBatch, norm: Normalisation): Promise<Float32Array> {
    return embedSplittingOnRangeError(batch, (b) => this.withMap(b, norm, (map) => this.averagePool(map)));
  }

  /** layer4's map [N, h, w, D], row-major, with its shape. */
  embedMap(
    batch: PixelBatch,
    norm: Normalisation,
  ): Promise<{ data: Float32Array; shape: [number, number, number, number] }> {
    return this.withMap(batch, norm, (m) => ({
      data: this.net.f32(m.x.at, m.x.rows * m.x.channels).slice(),
      shape: [m.n, m.height, m.width, m.x.channels] as [number, number, number, number],
    }));
  }

  /**
   * PyTorch's MaxPool2d(3, 2, padding=1): out-of-bounds taps never win. On the kernel's threads as SIMD
   * (vector-ops.ts) when the channels come in fours (every torchvision ResNet's 64), else here; both keep
   * the larger value at each step, so they give the same bits.
   */
  private async maxPool(input: Map4): Promise<Map4> {
    const { n, height, width } = input;
    const c = input.x.channels;
    const ho = convOutputSize(height, 3, 2, 1);
    const wo = convOutputSize(width, 3, 2, 1);
    const out = this.net.activation(n * ho * wo, c);
    if (c % 4 === 0 && !scalarMaxPool) {
      await this.net.runRows(n * ho, (first, count) => [
        { fn: 'max_pool_3x3s2', args: [input.x.at, out.at, first, count, height, width, c, ho, wo] },
      ]);
      return { x: out, n, height: ho, width: wo };
    }
    const src = this.net.f32(input.x.at, input.x.rows * c);
    const dst = this.net.f32(out.at, out.rows * c);
    for (let img = 0; img < n; img++) {
      for (let oy = 0; oy < ho; oy++) {
        for (let ox = 0; ox < wo; ox++) {
          const to = ((img * ho + oy) * wo + ox) * c;
          dst.fill(Number.NEGATIVE_INFINITY, to, to + c);
          for (let iy = Math.max(0, 2 * oy - 1); iy <= Math.min(height - 1, 2 * oy + 1); iy++) {
            for (let ix = Math.max(0, 2 * ox - 1); ix <= Math.min(width - 1, 2 * ox + 1); ix++) {
              const from = ((img * height + iy) * width + ix) * c;
              for (let ch = 0; ch < c; ch++) if (src[from + ch] > dst[to + ch]) dst[to + ch] = src[from + ch];
            }
          }
        }
      }
    }
    return { x: out, n, height: ho, width: wo };
  }

  /** Mean over the map's pixels, summed in float64 in pixel order, rounded once to float32. */
  private averagePool(map: Map4): Float32Array {
    const c = map.x.channels;
    const pixels = map.height * map.width;
    const src = this.net.f32(map.x.at, map.x.rows * c);
    const out = new Float32Array(map.n * c);
    const sum = new Float64Array(c);
    for (let img = 0; img < map.n; img++) {
      sum.fill(0);
      for (let p = 0; p < pixels; p++) {
        const from = (img * pixels + p) * c;
        for (let ch = 0; ch < c; ch++) sum[ch] += src[from + ch];
      }
      for (let ch = 0; ch < c; ch++) out[img * c + ch] = sum[ch] / pixels;
    }
    return out;
  }

  dispose(): void {
    this.net.dispose();
  }
}

/**
 * The convolutions taken as Winograd F(2×2, 3×3): a bottleneck's conv2 where it runs at stride 1 (ResNet-50 and
 * deeper: the paper's models). Basic-block networks (the zoo's ResNet-10s, ResNet-18/34) stay direct: on the
 * zoo's SimCLR-on-MNIST features, Winograd's last-bit changes moved a 100-iteration paper-mode probe fit by 3
 * test images of 400 against scikit-learn's on the same features (linear.parity.test.ts allows 2), a
 * sensitivity of unconverged fits rather than of the features, and those small models gain little from it.
 */
function winogradNames(config: ResNetConfig): Set<string> {
  const names = new Set<string>();
  if (config.block !== 'bottleneck') return names;
  config.layers.forEach((blocks, stage) => {
    for (let b = 0; b < blocks; b++) {
      if (stage > 0 && b === 0) continue; // the first block of stages 2–4 strides
      names.add(`${blockPrefix(stage, b)}.conv2`);
    }
  });
  return names;
}

function convNames(config: ResNetConfig, weights: Map<string, NamedTensor>): string[] {
  const names = ['conv1'];
  config.layers.forEach((blocks, stage) => {
    for (let b = 0; b < blocks; b++) {
      const p = blockPrefix(stage, b);
      for (const c of blockConvNames(config)) names.push(`${p}.${c}`);
      if (weights.has(`${p}.downsample.kernel`)) names.push(`${p}.downsample`);
    }
  });
  return names;
}
