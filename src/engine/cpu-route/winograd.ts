// 3×3 stride-1 convolutions without a residual (a ResNet bottleneck's conv2 at stride 1; resnet.ts says why
// basic blocks stay direct) as Winograd F(2×2, 3×3) (Lavin & Gray 2016): each 2×2 block of outputs from a 4×4 input patch with 16
// multiplies per channel pair instead of 36. The patch transform V = Bᵀ d B and the output transform
// Y = Aᵀ M A + bias (→ ReLU) are adds and subtracts (src/engine/gemm/winograd-ops.ts); between them, 16
// independent products M_ξ = V_ξ · U_ξ on the conv kernel, with U = G g Gᵀ computed once at load in float64
// and rounded to float32. A ResNet-50 spends about 37% of its work in these convolutions.
//
// Every output is a fixed sequence of IEEE operations whatever the thread split or the kernel's tile, so the
// route's bit-identity holds. Its rounding differs from the direct convolution's: the transforms' sums of
// up to 4 and 9 terms with coefficients ±1 and ±½ add a few float32 roundings of the inputs' and weights'
// magnitudes per output, well inside the 1e-4 parity bar (the tests bound it).

import type { Activation, PackedLayer, WasmNet } from './wasm-net.ts';

/** G (4×3) of F(2×2, 3×3): U = G g Gᵀ. */
const G = [
  [1, 0, 0],
  [0.5, 0.5, 0.5],
  [0.5, -0.5, 0.5],
  [0, 0, 1],
];

/** The 16 transformed kernels U_ξ ([cin, cout] each) of an HWIO 3×3 kernel, in float64, rounded once. */
export function winogradKernels(hwio: Float32Array, cin: number, cout: number): Float32Array[] {
  const out = Array.from({ length: 16 }, () => new Float32Array(cin * cout));
  const g = new Float64Array(9);
  const gt = new Float64Array(12);
  for (let ci = 0; ci < cin; ci++) {
    for (let co = 0; co < cout; co++) {
      for (let k = 0; k < 9; k++) g[k] = hwio[(k * cin + ci) * cout + co];
      // gt = G g (4×3), then U = gt Gᵀ (4×4).
      for (let i = 0; i < 4; i++)
        for (let j = 0; j < 3; j++) gt[i * 3 + j] = G[i][0] * g[j] + G[i][1] * g[3 + j] + G[i][2] * g[6 + j];
      for (let i = 0; i < 4; i++)
        for (let j = 0; j < 4; j++) {
          const u = gt[i * 3] * G[j][0] + gt[i * 3 + 1] * G[j][1] + gt[i * 3 + 2] * G[j][2];
          out[i * 4 + j][ci * cout + co] = u;
        }
    }
  }
  return out;
}

/**
 * Whether a convolution the caller runs at stride 1 without a residual can take this path: 3×3, input
 * channels in fours (the transforms' vectors), and Winograd not switched off.
 */
export function winogradApplies(kernel: number, cin: number): boolean {
  return kernel === 3 && cin % 4 === 0 && !winogradOff;
}

let winogradOff = false;

/** For tests and benchmarks: every convolution direct. */
export function setWinograd(on: boolean): void {
  winogradOff = !on;
}

/** A packed Winograd convolution: the 16 products' layers and the bias (in the network's memory). */
export class WinogradConv {
  private constructor(
    private readonly layers: PackedLayer[],
    private readonly bias: number,
    readonly cin: number,
    readonly cout: number,
  ) {}

  /** Throws net.pack's RangeError where cout is not a multiple of the kernel's panel width. */
  static pack(net: WasmNet, hwio: Float32Array, bias: Float32Array, cin: number, cout: number): WinogradConv {
    const zero = new Float32Array(cout);
    const layers = winogradKernels(hwio, cin, cout).map((u) => net.pack(u, zero, 1, cin, cout));
    const at = net.alloc(cout * 4);
    net.f32(at, cout).set(bias);
    return new WinogradConv(layers, at, cin, cout);
  }

  /**
   * out ([n, h, w, cout], allocated here, before the scratch) of a 3×3 convolution with padding 1 over x
   * ([n, h, w, cin]); the patches, products and indirection buffers are released before returning.
   */
  async apply(
    net: WasmNet,
    x: Activation,
    n: number,
    h: number,
    w: number,
    relu: boolean,
  ): Promise<Activation> {
    const { cin, cout } = this;
    const out = net.activation(n * h * w, cout);
    const mark = net.mark();
    try {
      const [th, tw] = [Math.ceil(h / 2), Math.ceil(w / 2)];
      const tiles = n * th * tw;
      const tilePad = Math.ceil(tiles / net.mr) * net.mr;
      const v = net.alloc(16 * tilePad * cin * 4);
      const m = net.alloc(16 * tilePad * cout * 4);
      const sink = net.alloc(cout * 4);
      const zero = net.zero;
      const patchKey = `winograd-in ${x.at} ${cin} ${n} ${h} ${w}`;
      const patches = net.indirection(patchKey, 16 * tiles, (ind) => {
        for (let t = 0; t < tiles; t++) {
          const [img, ty, tx] = [Math.floor(t / (th * tw)), Math.floor(t / tw) % th, t % tw];
          for (let i = 0; i < 4; i++) {
            for (let j = 0; j < 4; j++) {
              const [y, xx] = [2 * ty + i - 1, 2 * tx + j - 1];
              const inside = y >= 0 && y < h && xx >= 0 && xx < w;
              ind[t * 16 + i * 4 + j] = inside ? x.at + ((img * h + y) * w + xx) * cin * 4 : zero;
            }
          }
        }
      });
      const outKey = `winograd-out ${out.at} ${sink} ${cout} ${n} ${h} ${w}`;
      const pixels = net.indirection(outKey, 4 * tiles, (ind) => {
        for (let t = 0; t < tiles; t++) {
          const [img, ty, tx] = [Math.floor(t / (th * tw)), Math.floor(t / tw) % th, t % tw];
          for (let r = 0; r < 2; r++) {
            for (let c = 0; c < 2; c++) {
              const [y, xx] = [2 * ty + r, 2 * tx + c];
              ind[t * 4 + r * 2 + c] = y < h && xx < w ? out.at + ((img * h + y) * w + xx) * cout * 4 : sink;
            }
          }
        }
      });
      await net.runRows(tiles, (first, count) => [
        { fn: 'winograd_in', args: [patches, v, first, count, tilePad, cin] },
      ]);
      const products = this.layers.map((layer, xi) => {
        const rows = net.rowsOf({ at: v + xi * tilePad * cin * 4, rows: tiles, channels: cin });
        return [net.productCall(layer, rows, m + xi * tilePad * cout * 4, cout * 4)];
      });
      await net.runUnits(products);
      await net.runRows(tiles, (first, count) => [
        { fn: 'winograd_out', args: [m, pixels, this.bias, first, count, tilePad, cout, relu ? 1 : 0] },
      ]);
      return out;
    } finally {
      net.release(mark);
    }
  }
}
