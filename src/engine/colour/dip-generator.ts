// The Deep Image Prior generator (Ulyanov et al., 2018): a small encoder-decoder conv net with skip
// connections, fed a FIXED noise image; only its weights are optimised. Its structure is the prior: it
// produces natural-looking images long before it can fit noise, which is what makes inversion of a
// feature map informative about what the features keep. Plain tfjs-core ops (differentiable everywhere).

import * as tf from '@tensorflow/tfjs-core';

export interface DipConfig {
  /** Output side length in pixels (square). */
  size: number;
  /** Channels of the noise input (DIP: 32). */
  noiseChannels: number;
  /** Channels at every encoder/decoder level (DIP uses 128; smaller is faster). */
  channels: number;
  /** Channels of each skip connection (DIP: 4). */
  skipChannels: number;
  /** Number of down/up levels (DIP: 5, so 224 → 7 at the bottom). */
  depth: number;
  seed: number;
}

interface Conv {
  kernel: tf.Variable<tf.Rank.R4>;
  bias: tf.Variable<tf.Rank.R1>;
}

interface Level {
  down1: Conv;
  down2: Conv;
  skip: Conv;
  up1: Conv;
  up2: Conv;
}

const LEAK = 0.2;

export class DipGenerator {
  readonly noise: tf.Tensor4D;
  private readonly levels: Level[] = [];
  private readonly out: Conv;
  private seedCounter: number;

  constructor(readonly config: DipConfig) {
    const { size, noiseChannels: z, channels: c, skipChannels: s, depth } = config;
    // Reflection padding needs at least 2 pixels at the bottom level.
    if (depth < 1 || size < 2 ** (depth + 1))
      throw new Error(`DIP: size ${size} is too small for depth ${depth}`);
    this.seedCounter = config.seed;
    // DIP's input: uniform noise scaled by 1/10, fixed for the whole optimisation.
    const noiseSeed = this.nextSeed();
    this.noise = tf.tidy(() => tf.mul(tf.randomUniform([1, size, size, z], 0, 1, 'float32', noiseSeed), 0.1));
    for (let l = 0; l < depth; l++) {
      const inC = l === 0 ? z : c;
      this.levels.push({
        down1: this.conv(3, inC, c),
        down2: this.conv(3, c, c),
        skip: this.conv(1, inC, s),
        up1: this.conv(3, c + s, c),
        up2: this.conv(1, c, c),
      });
    }
    this.out = this.conv(1, c, 3);
  }

  private nextSeed(): number {
    return this.seedCounter++;
  }

  /** He-normal weights (seeded), zero biases. tidy frees the initial values (variables survive it). */
  private conv(k: number, inC: number, outC: number): Conv {
    const std = Math.sqrt(2 / (k * k * inC));
    const seed = this.nextSeed();
    return tf.tidy(() => ({
      kernel: tf.variable(tf.randomNormal([k, k, inC, outC], 0, std, 'float32', seed) as tf.Tensor4D),
      bias: tf.variable(tf.zeros([outC]) as tf.Tensor1D),
    }));
  }

  private apply(x: tf.Tensor4D, w: Conv, stride: number): tf.Tensor4D {
    const k = w.kernel.shape[0];
    const p = Math.floor(k / 2);
    // Reflection padding, as DIP uses, avoids dark borders in the output.
    const padded =
      p > 0
        ? tf.mirrorPad(
            x,
            [
              [0, 0],
              [p, p],
              [p, p],
              [0, 0],
            ],
            'reflect',
          )
        : x;
    const y = tf.conv2d(padded, w.kernel as tf.Tensor4D, stride, 'valid');
    return tf.add(y, w.bias);
  }

  private act(x: tf.Tensor4D): tf.Tensor4D {
    return tf.leakyRelu(x, LEAK);
  }

  /** Encoder level l on x, recursing to the bottom, then the decoder back up to x's resolution. */
  private level(x: tf.Tensor4D, l: number): tf.Tensor4D {
    const w = this.levels[l];
    const skip = this.act(this.apply(x, w.skip, 1));
    let h = this.act(this.apply(x, w.down1, 2));
    h = this.act(this.apply(h, w.down2, 1));
    if (l + 1 < this.levels.length) h = this.level(h, l + 1);
    // Upsample to the skip's exact size (works for sides that are not powers of two).
    const up = tf.image.resizeBilinear(h, [skip.shape[1], skip.shape[2]]);
    h = this.act(this.apply(tf.concat([up, skip], 3), w.up1, 1));
    return this.act(this.apply(h, w.up2, 1));
  }

  /** The generated image, [1, size, size, 3] in [0, 1]; call inside tf.tidy or a gradient function. */
  generate(): tf.Tensor4D {
    return tf.sigmoid(this.apply(this.level(this.noise, 0), this.out, 1));
  }

  variables(): tf.Variable[] {
    const convs = [...this.levels.flatMap((l) => [l.down1, l.down2, l.skip, l.up1, l.up2]), this.out];
    return convs.flatMap((c) => [c.kernel, c.bias]);
  }

  dispose(): void {
    this.noise.dispose();
    for (const v of this.variables()) v.dispose();
  }
}
