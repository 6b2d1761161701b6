// Folds eval-mode BatchNorm into the convolution before it and reorders kernels for tfjs (NHWC, HWIO).
// Pure: no tfjs. Arithmetic in float64 so the only rounding is the final cast to float32.

import type { StateDict, TensorEntry } from '../../convert/types.ts';
import { assertValidConfig, blockConvNames, blockPrefix, type ResNetConfig } from './config.ts';

/** PyTorch's BatchNorm2d default. */
export const BN_EPS = 1e-5;

/** One named float32 tensor in the lab's layout (kernels HWIO, biases 1-D). */
export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface FoldedConv {
  /** [kh, kw, in, out] */
  kernel: NamedTensor;
  bias: NamedTensor;
}

interface BatchNormParams {
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
}

/** OIHW (PyTorch) → HWIO (tfjs conv2d filter), values unchanged. */
export function oihwToHwio(
  data: ArrayLike<number>,
  shape: number[],
): { data: Float32Array; shape: number[] } {
  const [o, i, h, w] = shape;
  const out = new Float32Array(o * i * h * w);
  for (let oo = 0; oo < o; oo++) {
    for (let ii = 0; ii < i; ii++) {
      for (let hh = 0; hh < h; hh++) {
        for (let ww = 0; ww < w; ww++) {
          out[((hh * w + ww) * i + ii) * o + oo] = data[((oo * i + ii) * h + hh) * w + ww];
        }
      }
    }
  }
  return { data: out, shape: [h, w, i, o] };
}

/**
 * W' = W·γ/√(var+ε) per output channel, b' = β − mean·γ/√(var+ε); returns the kernel in HWIO.
 * `name` is the lab's name of the fused layer (e.g. 'layer1.0.conv1').
 */
export function foldConvBn(
  name: string,
  convWeight: TensorEntry,
  bn: BatchNormParams,
  eps = BN_EPS,
): FoldedConv {
  const shape = convWeight.shape;
  if (shape.length !== 4) throw new Error(`${name}: conv weight must be 4-D OIHW, got [${shape}]`);
  const [outC] = shape;
  const perOut = convWeight.data.length / outC;
  for (const [field, arr] of Object.entries(bn)) {
    if (arr.length !== outC)
      throw new Error(`${name}: BatchNorm ${field} has ${arr.length} values, expected ${outC}`);
  }
  const scaled = new Float64Array(convWeight.data.length);
  const bias = new Float32Array(outC);
  for (let o = 0; o < outC; o++) {
    const scale = bn.gamma[o] / Math.sqrt(bn.variance[o] + eps);
    for (let k = 0; k < perOut; k++) scaled[o * perOut + k] = convWeight.data[o * perOut + k] * scale;
    bias[o] = bn.beta[o] - bn.mean[o] * scale;
  }
  const hwio = oihwToHwio(scaled, shape);
  return {
    kernel: { name: `${name}.kernel`, shape: hwio.shape, data: hwio.data },
    bias: { name: `${name}.bias`, shape: [outC], data: bias },
  };
}

function entry(sd: StateDict, key: string): TensorEntry {
  const e = sd.get(key);
  if (!e) throw new Error(`state dict lacks '${key}'`);
  return e;
}

function batchNorm(sd: StateDict, prefix: string): BatchNormParams {
  return {
    gamma: entry(sd, `${prefix}.weight`).data,
    beta: entry(sd, `${prefix}.bias`).data,
    mean: entry(sd, `${prefix}.running_mean`).data,
    variance: entry(sd, `${prefix}.running_var`).data,
  };
}

/** Conv/BN pairs of a torchvision ResNet: [lab name, conv key prefix, bn key prefix]. */
export function convBnPairs(sd: StateDict, config: ResNetConfig): [string, string, string][] {
  const pairs: [string, string, string][] = [['conv1', 'conv1', 'bn1']];
  config.layers.forEach((blocks, stage) => {
    for (let b = 0; b < blocks; b++) {
      const p = blockPrefix(stage, b);
      for (const conv of blockConvNames(config)) {
        pairs.push([`${p}.${conv}`, `${p}.${conv}`, `${p}.${conv.replace('conv', 'bn')}`]);
      }
      // torchvision only has a projection shortcut where shape changes; its presence is read from the weights.
      if (sd.has(`${p}.downsample.0.weight`))
        pairs.push([`${p}.downsample`, `${p}.downsample.0`, `${p}.downsample.1`]);
    }
  });
  return pairs;
}

/** Every conv of the network with its BatchNorm folded in, in execution order (kernel, bias, kernel, ...). */
export function foldResNet(sd: StateDict, config: ResNetConfig, eps = BN_EPS): NamedTensor[] {
  assertValidConfig(config);
  return convBnPairs(sd, config).flatMap(([name, conv, bn]) => {
    const folded = foldConvBn(name, entry(sd, `${conv}.weight`), batchNorm(sd, bn), eps);
    return [folded.kernel, folded.bias];
  });
}
