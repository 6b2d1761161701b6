// The Vision Transformer in tfjs: patch embedding as one matmul, class (and register) tokens, position
// embeddings resampled to the input grid, pre-norm blocks, final norm. Weights are the lab's tensors
// (src/engine/vit/convert.ts, labTensor): kernels [in, out], names after src/convert/vit-keys.ts.
// Only ops every tfjs backend has (matMul, softmax, erf, sigmoid, ≤ 4-D transposes).

import * as tf from '@tensorflow/tfjs-core';
import { assertValidVitConfig, type VitConfig, vitParamNames } from '../../convert/vit-keys.ts';
import { type Normalisation, normalise } from '../resnet/build.ts';
import { positionsForGrid } from './pos-embed.ts';

/** Which output is the feature: class token after the final norm, mean of the patch tokens, or CLIP's projection. */
export type VitFeature = 'cls' | 'patch-mean' | 'proj';
export const VIT_FEATURES: readonly VitFeature[] = ['cls', 'patch-mean', 'proj'];

/** Score tensors above this many bytes are computed in query tiles (e.g. DINOv2 at 518 px: 1370² per head). */
export const ATTENTION_TILE_BYTES = 64 * 1024 * 1024;

export function vitFeatureSize(config: VitConfig, feature: VitFeature): number {
  if (feature !== 'proj') return config.width;
  if (config.projection === null) throw new Error("feature 'proj' needs a CLIP projection the model lacks");
  return config.projection;
}

/** The weights a TfVit takes: uploaded tensors, plus the host copies it needs to combine once. */
export interface VitWeights {
  tensors: Map<string, tf.Tensor>;
  /** 'cls', 'reg' (when registers) and 'pos' as float32 host data. */
  host: Map<string, Float32Array>;
}

export class TfVit {
  readonly featureSize: number;
  private readonly w: Map<string, tf.Tensor>;
  /** [p·p·3, D]: the patch conv's kernel, ordered (row, column, channel) as the patches are cut. */
  private readonly patchKernel: tf.Tensor2D;
  /** Class and register tokens with the position rows they carry: [1, 1+R, D]. */
  private readonly prefix: tf.Tensor3D;
  private readonly gridTable: Float32Array;
  private readonly gridPositions = new Map<string, tf.Tensor2D>();

  constructor(
    readonly config: VitConfig,
    weights: VitWeights,
    readonly feature: VitFeature = 'cls',
    private readonly tileBytes = ATTENTION_TILE_BYTES,
  ) {
    assertValidVitConfig(config);
    this.featureSize = vitFeatureSize(config, feature);
    for (const name of vitParamNames(config).map(labName)) {
      if (!weights.tensors.has(name) && !weights.host.has(name))
        throw new Error(`model weights lack '${name}'`);
    }
    this.w = weights.tensors;
    this.patchKernel = this.take('patch.kernel') as tf.Tensor2D;
    const { prefix, grid } = splitPositions(config, weights.host);
    this.prefix = tf.tensor3d(prefix, [1, 1 + config.registers, config.width]);
    this.gridTable = grid;
  }

  private take(name: string): tf.Tensor {
    const t = this.w.get(name);
    if (!t) throw new Error(`model weights lack '${name}'`);
    return t;
  }

  private positions(gh: number, gw: number): tf.Tensor2D {
    const key = `${gh}x${gw}`;
    let t = this.gridPositions.get(key);
    if (!t) {
      const c = this.config;
      const table = positionsForGrid(this.gridTable, c.width, c.posGrid, [gh, gw], c.posEmbedResample);
      // Kept past the caller's tf.tidy: the table is reused by every later batch of this size.
      t = tf.keep(tf.tensor2d(table, [gh * gw, c.width]));
      this.gridPositions.set(key, t);
    }
    return t;
  }

  private linear(x: tf.Tensor2D, name: string): tf.Tensor2D {
    return tf.fused.matMul({
      a: x,
      b: this.take(`${name}.kernel`) as tf.Tensor2D,
      bias: this.take(`${name}.bias`),
    }) as tf.Tensor2D;
  }

  private layerNorm(x: tf.Tensor2D, name: string): tf.Tensor2D {
    const mean = tf.mean(x, -1, true);
    const centred = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centred), -1, true);
    const y = tf.mul(centred, tf.rsqrt(tf.add(variance, this.config.layerNormEps)));
    return tf.add(tf.mul(y, this.take(`${name}.weight`)), this.take(`${name}.bias`)) as tf.Tensor2D;
  }

  private activation(x: tf.Tensor2D): tf.Tensor2D {
    if (this.config.activation === 'quick-gelu') return tf.mul(x, tf.sigmoid(tf.mul(x, 1.702)));
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
  }

  /** Tokens [n·T, D] → heads [n·H, T, dh]. */
  private splitHeads(x: tf.Tensor2D, n: number, tokens: number): tf.Tensor3D {
    const { heads, width } = this.config;
    const dh = width / heads;
    return tf.reshape(tf.transpose(tf.reshape(x, [n, tokens, heads, dh]), [0, 2, 1, 3]), [
      n * heads,
      tokens,
      dh,
    ]);
  }

  private attention(x: tf.Tensor2D, i: number, n: number, tokens: number): tf.Tensor2D {
    const { heads, width } = this.config;
    const dh = width / heads;
    const [q, k, v] = tf.split(this.linear(x, `blocks.${i}.qkv`), 3, 1) as tf.Tensor2D[];
    const qh = tf.mul(this.splitHeads(q, n, tokens), 1 / Math.sqrt(dh)) as tf.Tensor3D;
    const kh = this.splitHeads(k, n, tokens);
    const vh = this.splitHeads(v, n, tokens);
    const tile = Math.max(1, Math.floor(this.tileBytes / (4 * n * heads * tokens)));
    const parts: tf.Tensor3D[] = [];
    for (let start = 0; start < tokens; start += tile) {
      const size = Math.min(tile, tokens - start);
      parts.push(
        tf.tidy(() => {
          const qt = tile >= tokens ? qh : tf.slice(qh, [0, start, 0], [n * heads, size, dh]);
          return tf.matMul(tf.softmax(tf.matMul(qt, kh, false, true)), vh);
        }),
      );
    }
    const out = parts.length === 1 ? parts[0] : tf.concat(parts, 1);
    const merged = tf.reshape(tf.transpose(tf.reshape(out, [n, heads, tokens, dh]), [0, 2, 1, 3]), [
      n * tokens,
      width,
    ]);
    return this.linear(merged as tf.Tensor2D, `blocks.${i}.proj`);
  }

  private scaled(x: tf.Tensor2D, name: string): tf.Tensor2D {
    return this.config.layerScale ? tf.mul(x, this.take(name)) : x;
  }

  private block(x: tf.Tensor2D, i: number, n: number, tokens: number): tf.Tensor2D {
    const attn = this.attention(this.layerNorm(x, `blocks.${i}.norm1`), i, n, tokens);
    const h = tf.add(x, this.scaled(attn, `blocks.${i}.ls1`)) as tf.Tensor2D;
    const mlp = this.linear(
      this.activation(this.linear(this.layerNorm(h, `blocks.${i}.norm2`), `blocks.${i}.fc1`)),
      `blocks.${i}.fc2`,
    );
    return tf.add(h, this.scaled(mlp, `blocks.${i}.ls2`)) as tf.Tensor2D;
  }

  /** Normalised NHWC pixels → the token sequence [n·T, D] before the blocks. */
  private embedTokens(x: tf.Tensor4D): { tokens: tf.Tensor2D; count: number } {
    const { patchSize: p, width, registers } = this.config;
    const [n, h, w] = x.shape;
    const gh = Math.floor(h / p);
    const gw = Math.floor(w / p);
    if (gh === 0 || gw === 0) throw new Error(`input ${h}×${w} is smaller than one ${p}-pixel patch`);
    // A stride-p conv ignores the last h mod p rows and w mod p columns.
    const cropped = gh * p === h && gw * p === w ? x : tf.slice(x, [0, 0, 0, 0], [n, gh * p, gw * p, 3]);
    const rows = tf.reshape(cropped, [n * gh, p, gw, p * 3]);
    const cut = tf.reshape(tf.transpose(rows, [0, 2, 1, 3]), [n * gh * gw, p * p * 3]) as tf.Tensor2D;
    const patches = tf.fused.matMul({ a: cut, b: this.patchKernel, bias: this.w.get('patch.bias') });
    const placed = tf.add(tf.reshape(patches, [n, gh * gw, width]), this.positions(gh, gw));
    const prefix = tf.tile(this.prefix, [n, 1, 1]);
    const count = 1 + registers + gh * gw;
    const tokens = tf.reshape(tf.concat([prefix, placed], 1), [n * count, width]) as tf.Tensor2D;
    return { tokens, count };
  }

  /** Normalised NHWC input → features [n, featureSize]; call inside tf.tidy. */
  forwardNormalised(x: tf.Tensor4D): tf.Tensor2D {
    const n = x.shape[0];
    const c = this.config;
    let { tokens: h, count } = this.embedTokens(x);
    if (c.preNorm) h = this.layerNorm(h, 'pre_norm');
    for (let i = 0; i < c.depth; i++) {
      const prev = h;
      h = tf.tidy(() => this.block(prev, i, n, count));
    }
    const seq = tf.reshape(this.layerNorm(h, 'norm'), [n, count, c.width]);
    if (this.feature === 'patch-mean') {
      const first = 1 + c.registers;
      return tf.mean(tf.slice(seq, [0, first, 0], [n, count - first, c.width]), 1) as tf.Tensor2D;
    }
    const cls = tf.reshape(tf.slice(seq, [0, 0, 0], [n, 1, c.width]), [n, c.width]) as tf.Tensor2D;
    return this.feature === 'proj' ? tf.matMul(cls, this.take('proj') as tf.Tensor2D) : cls;
  }

  /** [0,1] NHWC pixels → features; call inside tf.tidy. */
  forward(pixels: tf.Tensor4D, norm: Normalisation): tf.Tensor2D {
    return this.forwardNormalised(normalise(pixels, norm));
  }

  dispose(): void {
    for (const t of this.w.values()) t.dispose();
    this.w.clear();
    this.prefix.dispose();
    for (const t of this.gridPositions.values()) t.dispose();
    this.gridPositions.clear();
  }
}

/** A matched tensor's name among the lab's tensors (linear and patch weights are stored as kernels). */
export function labName(target: string): string {
  return /^(patch|blocks\.\d+\.(qkv|proj|fc1|fc2))\.weight$/.test(target)
    ? target.replace(/weight$/, 'kernel')
    : target;
}

/**
 * The class token (and registers) with the position rows they carry, and the grid part of the table.
 * DINOv2 adds the class row before inserting the registers, timm's no_embed_class adds none: both reduce to
 * "prefix token + its own row, if the table has one".
 */
export function splitPositions(
  c: VitConfig,
  host: Map<string, Float32Array>,
): { prefix: Float32Array; grid: Float32Array } {
  const D = c.width;
  const get = (name: string) => {
    const t = host.get(name);
    if (!t) throw new Error(`model weights lack '${name}'`);
    return t;
  };
  const pos = get('pos');
  const prefix = new Float32Array((1 + c.registers) * D);
  prefix.set(get('cls'), 0);
  if (c.registers > 0) prefix.set(get('reg'), D);
  for (let r = 0; r < c.posPrefix; r++) {
    for (let d = 0; d < D; d++) prefix[r * D + d] += pos[r * D + d];
  }
  return { prefix, grid: pos.slice(c.posPrefix * D) };
}
