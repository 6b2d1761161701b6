// Test-only: random inputs and a direct convolution in float64 (NHWC × HWIO, PyTorch's symmetric padding,
// bias, optional residual and ReLU), with Σ|terms| per output, the scale float32 rounding error grows with.
// The CPU route's layer tests (wasm-net.test.ts) and its Winograd tests (winograd.test.ts) check against it.

import { createRng } from '../../core/rng.ts';
import { convOutputSize } from './wasm-net.ts';

export function randomValues(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.nextFloat() * 2 - 1);
}

export interface ConvShape {
  n: number;
  height: number;
  width: number;
  cin: number;
  cout: number;
  kernel: number;
  stride: number;
  pad: number;
}

export function referenceConv(
  c: ConvShape,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array,
  res: Float32Array | null,
  relu: boolean,
): { value: Float64Array; scale: Float64Array } {
  const oh = convOutputSize(c.height, c.kernel, c.stride, c.pad);
  const ow = convOutputSize(c.width, c.kernel, c.stride, c.pad);
  const value = new Float64Array(c.n * oh * ow * c.cout);
  const scale = new Float64Array(value.length);
  for (let img = 0; img < c.n; img++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let co = 0; co < c.cout; co++) {
          const at = ((img * oh + oy) * ow + ox) * c.cout + co;
          let sum = bias[co];
          let abs = Math.abs(bias[co]);
          for (let ky = 0; ky < c.kernel; ky++)
            for (let kx = 0; kx < c.kernel; kx++) {
              const iy = oy * c.stride - c.pad + ky;
              const ix = ox * c.stride - c.pad + kx;
              if (iy < 0 || iy >= c.height || ix < 0 || ix >= c.width) continue;
              for (let ci = 0; ci < c.cin; ci++) {
                const p =
                  x[((img * c.height + iy) * c.width + ix) * c.cin + ci] *
                  w[((ky * c.kernel + kx) * c.cin + ci) * c.cout + co];
                sum += p;
                abs += Math.abs(p);
              }
            }
          if (res) {
            sum += res[at];
            abs += Math.abs(res[at]);
          }
          value[at] = relu ? Math.max(0, sum) : sum;
          scale[at] = abs;
        }
  return { value, scale };
}
