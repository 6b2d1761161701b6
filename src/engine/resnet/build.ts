// The torchvision ResNet (v1.5: stride on the bottleneck's 3×3 conv) in tfjs, NHWC, with BatchNorm
// already folded into every conv. Padding is explicit and symmetric everywhere, as PyTorch pads;
// tfjs's 'same' would pad stride-2 convs on the bottom/right only and shift every feature.

import * as tf from '@tensorflow/tfjs-core';
import { blockConvNames, blockPrefix, featureSizeOf, type ResNetConfig } from './config.ts';
import type { NamedTensor } from './fold.ts';

interface ConvWeights {
  kernel: tf.Tensor4D;
  bias: tf.Tensor1D;
}

export interface ResNetOutputs {
  /** Global average pool of layer4: [N, D]. */
  pooled: tf.Tensor2D;
  /** layer4 output map [N, h, w, D], when asked for. */
  map?: tf.Tensor4D;
}

export interface Normalisation {
  mean: [number, number, number] | null;
  std: [number, number, number] | null;
}

function symmetricPad(p: number): [[number, number], [number, number], [number, number], [number, number]] {
  return [
    [0, 0],
    [p, p],
    [p, p],
    [0, 0],
  ];
}

export class TfResNet {
  readonly featureSize: number;
  private readonly convs = new Map<string, ConvWeights>();

  /** Uploads the folded weights (names from foldResNet) to the active tfjs backend. */
  constructor(
    readonly config: ResNetConfig,
    weights: Map<string, NamedTensor>,
  ) {
    this.featureSize = featureSizeOf(config);
    const take = (name: string) => {
      const t = weights.get(name);
      if (!t) throw new Error(`model weights lack '${name}'`);
      return t;
    };
    for (const name of this.convNames(weights)) {
      const k = take(`${name}.kernel`);
      const b = take(`${name}.bias`);
      if (k.shape.length !== 4) throw new Error(`${name}.kernel must be 4-D HWIO, got [${k.shape}]`);
      this.convs.set(name, {
        kernel: tf.tensor4d(k.data, k.shape as [number, number, number, number]),
        bias: tf.tensor1d(b.data),
      });
    }
  }

  private convNames(weights: Map<string, NamedTensor>): string[] {
    const names = ['conv1'];
    this.config.layers.forEach((blocks, stage) => {
      for (let b = 0; b < blocks; b++) {
        const p = blockPrefix(stage, b);
        for (const c of blockConvNames(this.config)) names.push(`${p}.${c}`);
        if (weights.has(`${p}.downsample.kernel`)) names.push(`${p}.downsample`);
      }
    });
    return names;
  }

  private conv(x: tf.Tensor4D, name: string, stride: number, relu: boolean): tf.Tensor4D {
    const w = this.convs.get(name);
    if (!w) throw new Error(`no conv '${name}'`);
    const k = w.kernel.shape[0];
    const pad = k === 1 ? 'valid' : symmetricPad(Math.floor(k / 2));
    return tf.fused.conv2d({
      x,
      filter: w.kernel,
      strides: stride,
      pad,
      bias: w.bias,
      activation: relu ? 'relu' : 'linear',
    });
  }

  private block(x: tf.Tensor4D, prefix: string, stride: number): tf.Tensor4D {
    const bottleneck = this.config.block === 'bottleneck';
    let out = bottleneck
      ? this.conv(this.conv(x, `${prefix}.conv1`, 1, true), `${prefix}.conv2`, stride, true)
      : this.conv(x, `${prefix}.conv1`, stride, true);
    out = this.conv(out, bottleneck ? `${prefix}.conv3` : `${prefix}.conv2`, 1, false);
    const shortcut = this.convs.has(`${prefix}.downsample`)
      ? this.conv(x, `${prefix}.downsample`, stride, false)
      : x;
    return tf.relu(tf.add(out, shortcut));
  }

  /** Raw network on normalised NHWC input; call inside tf.tidy. */
  forwardNormalised(x: tf.Tensor4D): tf.Tensor4D {
    let h = this.conv(x, 'conv1', 2, true);
    // PyTorch's MaxPool2d(3, 2, padding=1): a symmetric pad of 1 that never wins the max (−∞). tfjs pooling
    // with a numeric pad skips out-of-bounds taps in every backend, which is exactly that, and avoids
    // shipping −Infinity to WebGL/WebGPU shaders through a separate pad op.
    h = tf.maxPool(h, 3, 2, 1);
    this.config.layers.forEach((blocks, stage) => {
      for (let b = 0; b < blocks; b++) h = this.block(h, blockPrefix(stage, b), stage > 0 && b === 0 ? 2 : 1);
    });
    return h;
  }

  /** [0,1] NHWC pixels → features; call inside tf.tidy (the caller owns the returned tensors). */
  forward(pixels: tf.Tensor4D, norm: Normalisation, withMap = false): ResNetOutputs {
    const x = normalise(pixels, norm);
    const map = this.forwardNormalised(x);
    const pooled = tf.mean(map, [1, 2]) as tf.Tensor2D;
    return withMap ? { pooled, map } : { pooled };
  }

  dispose(): void {
    for (const w of this.convs.values()) {
      w.kernel.dispose();
      w.bias.dispose();
    }
    this.convs.clear();
  }
}

export function normalise(pixels: tf.Tensor4D, norm: Normalisation): tf.Tensor4D {
  if (!norm.mean || !norm.std) return pixels; // SimCLR: plain [0,1] RGB
  return tf.div(tf.sub(pixels, tf.tensor1d(norm.mean)), tf.tensor1d(norm.std));
}
