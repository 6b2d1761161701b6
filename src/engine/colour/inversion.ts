// Feature inversion, the paper's colour analysis (§4.8): reconstruct an image from a backbone's layer4 map
// by optimising a Deep Image Prior generator so that the backbone's map of the generated image matches the
// target's (Adam, lr 1e-3, up to 3,000 steps), then measure per-channel pixel MSE on the 0–255 scale.
// Gradients flow through the frozen backbone (TfResNet.forward is differentiable once gradients are
// registered, see gradients.ts) into the generator's weights only.

import * as tf from '@tensorflow/tfjs-core';
import type { Rgb } from '../../core/colour/readout.ts';
import { resizeAndCrop } from '../../core/pixels/preprocess.ts';
import { progressTracker } from '../../core/progress.ts';
import {
  CancelledError,
  type CancelToken,
  type ModelCard,
  type ProgressFn,
  type RgbImage,
} from '../../core/types.ts';
import { resnetConfigOf } from '../model-format/read.ts';
import type { LabModel } from '../model-format/types.ts';
import { type Normalisation, TfResNet } from '../resnet/build.ts';
import { type DipConfig, DipGenerator } from './dip-generator.ts';
import { ensureGradients } from './gradients.ts';

export interface InversionOptions {
  /** Adam steps (the paper: 3,000). */
  steps?: number;
  /** Adam learning rate (the paper: 1e-3). */
  learningRate?: number;
  /** Generator shape; `size` always follows the target image. */
  generator?: Partial<Omit<DipConfig, 'size'>>;
  /** Read the loss back (a device sync) and report progress every this many steps; default 10. */
  reportEvery?: number;
}

export interface InversionHooks {
  onProgress?: ProgressFn;
  cancel?: CancelToken;
}

export interface InversionResult {
  /** The reconstruction, same size as the target. */
  image: RgbImage;
  /** Per-channel mean squared error between reconstruction and target pixels, 0–255 scale. */
  mse: Rgb;
  /** Relative feature loss ‖map(gen) − map(target)‖² / ‖map(target)‖² at the reported steps (step 0 first). */
  losses: { step: number; loss: number }[];
  steps: number;
}

export const DEFAULT_GENERATOR: Omit<DipConfig, 'size'> = {
  noiseChannels: 32,
  channels: 64,
  skipChannels: 4,
  depth: 5,
  seed: 0,
};

function imageTensor(img: RgbImage): tf.Tensor4D {
  if (img.width !== img.height)
    throw new Error(`inversion target must be square, got ${img.width}×${img.height}`);
  if (img.data.length !== img.width * img.height * 3) throw new Error('inversion target: wrong byte count');
  return tf.tidy(() =>
    tf.div(tf.cast(tf.tensor4d(img.data, [1, img.height, img.width, 3], 'int32'), 'float32'), 255),
  );
}

/** [0,1] NHWC tensor (n = 1) → 8-bit RGB, rounded to nearest. */
async function toRgbImage(t: tf.Tensor4D): Promise<RgbImage> {
  const values = (await t.data()) as Float32Array;
  const data = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = Math.round(Math.min(1, Math.max(0, values[i])) * 255);
  return { data, width: t.shape[2], height: t.shape[1] };
}

/** Per-channel MSE of two same-size RGB images, 0–255 scale. */
export function channelMse(a: RgbImage, b: RgbImage): Rgb {
  if (a.data.length !== b.data.length) throw new Error('channelMse: images differ in size');
  const sums = [0, 0, 0];
  for (let i = 0; i < a.data.length; i++) sums[i % 3] += (a.data[i] - b.data[i]) ** 2;
  const pixels = a.data.length / 3;
  return { r: sums[0] / pixels, g: sums[1] / pixels, b: sums[2] / pixels };
}

function throwIfCancelled(cancel?: CancelToken): void {
  if (cancel?.cancelled) throw new CancelledError();
}

/**
 * Inverts `target` (a square image at the backbone's input size, e.g. 224×224 after the protocol's resize and
 * crop) through `net`'s layer4 map. The backbone's weights are not changed; every tensor made here is freed.
 */
export async function invertFeatures(
  net: TfResNet,
  norm: Normalisation,
  target: RgbImage,
  opts: InversionOptions = {},
  hooks: InversionHooks = {},
): Promise<InversionResult> {
  await ensureGradients();
  const steps = opts.steps ?? 3000;
  const every = Math.max(1, opts.reportEvery ?? 10);
  const generator = new DipGenerator({ ...DEFAULT_GENERATOR, ...opts.generator, size: target.width });
  const optimizer = tf.train.adam(opts.learningRate ?? 1e-3);
  const targetMap = tf.tidy(() => net.forward(imageTensor(target), norm, true).map as tf.Tensor4D);
  const targetEnergy = tf.tidy(() => tf.mean(tf.square(targetMap)));
  const lossFn = (): tf.Scalar =>
    tf.tidy(() => {
      const map = net.forward(generator.generate(), norm, true).map as tf.Tensor4D;
      return tf.div(tf.mean(tf.square(tf.sub(map, targetMap))), targetEnergy) as tf.Scalar;
    });
  try {
    const losses = [{ step: 0, loss: await scalarValue(lossFn()) }];
    const tracker = progressTracker('feature inversion', steps);
    const vars = generator.variables();
    for (let step = 1; step <= steps; step++) {
      throwIfCancelled(hooks.cancel);
      const cost = optimizer.minimize(lossFn, true, vars) as tf.Scalar;
      if (step % every === 0 || step === steps) {
        const loss = await scalarValue(cost);
        losses.push({ step, loss });
        hooks.onProgress?.(tracker.update(step, `loss ${loss.toExponential(3)}`));
      } else {
        cost.dispose();
      }
    }
    const generated = tf.tidy(() => generator.generate());
    const image = await toRgbImage(generated);
    generated.dispose();
    return { image, mse: channelMse(image, target), losses, steps };
  } finally {
    optimizer.dispose();
    generator.dispose();
    targetMap.dispose();
    targetEnergy.dispose();
  }
}

async function scalarValue(t: tf.Scalar): Promise<number> {
  try {
    return (await t.data())[0];
  } finally {
    t.dispose();
  }
}

/**
 * Convenience for the pipeline: resize and crop `img` with the card's linear-probe rule, build the network
 * from an in-memory lab model, invert, free the network.
 */
export async function invertImage(
  card: ModelCard,
  model: LabModel,
  img: RgbImage,
  opts: InversionOptions = {},
  hooks: InversionHooks = {},
): Promise<InversionResult & { target: RgbImage }> {
  const net = new TfResNet(resnetConfigOf(model.json), model.tensors);
  try {
    return await invertWithNet(card, net, img, opts, hooks);
  } finally {
    net.dispose();
  }
}

/** The same through a network already on the device (the pipeline's loaded backbone: no second upload). */
export async function invertWithNet(
  card: ModelCard,
  net: TfResNet,
  img: RgbImage,
  opts: InversionOptions = {},
  hooks: InversionHooks = {},
): Promise<InversionResult & { target: RgbImage }> {
  const target = resizeAndCrop(img, card.preprocessing.linear);
  const result = await invertFeatures(net, { mean: card.mean, std: card.std }, target, opts, hooks);
  return { ...result, target };
}
