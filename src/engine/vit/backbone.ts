// A Backbone from a lab-format ViT: build the route's network from the weights, embed with the card's
// normalisation and feature.

import * as tf from '@tensorflow/tfjs-core';
import { assertValidVitConfig, type VitConfig } from '../../convert/vit-keys.ts';
import type { ModelCard } from '../../core/types.ts';
import { buildOnCpuRoute, wantsCpuRoute } from '../cpu-route/route.ts';
import { GemmVit, GemmVitBuilder } from '../cpu-route/vit.ts';
import { checkPixels } from '../pixel-batch.ts';
import type { NamedTensor } from '../resnet/fold.ts';
import type { Backbone } from '../types.ts';
import { TfVit, VIT_FEATURES, type VitFeature, type VitWeights, vitFeatureSize } from './build.ts';

/** Host copies the builder combines once (class token, registers, position table); the rest is uploaded. */
export const HOST_WEIGHTS = new Set(['cls', 'reg', 'pos']);

export function vitFeatureOf(card: ModelCard): VitFeature {
  const f = card.featureLayer as VitFeature;
  if (!VIT_FEATURES.includes(f)) {
    throw new Error(
      `${card.id}: featureLayer '${card.featureLayer}' is not a ViT feature (${VIT_FEATURES.join(', ')})`,
    );
  }
  return f;
}

/** Uploads float32 weights (as read by readLabModel) into the form TfVit takes. */
export function uploadVitWeights(tensors: Map<string, NamedTensor>): VitWeights {
  const weights: VitWeights = { tensors: new Map(), host: new Map() };
  for (const [name, t] of tensors) {
    if (HOST_WEIGHTS.has(name)) weights.host.set(name, t.data);
    else weights.tensors.set(name, tf.tensor(t.data, t.shape));
  }
  return weights;
}

/**
 * Hands every weight of one model to `onWeight` once per call (streamed from its files with the hash
 * checked, or from tensors already in memory). Each route builds its own copy from it when first used.
 */
export type VitWeightSource = (onWeight: (w: NamedTensor) => void) => Promise<void>;

/** The tfjs graph's copy: every weight uploaded as it arrives; on any failure nothing stays uploaded. */
async function buildTfVit(config: VitConfig, feature: VitFeature, source: VitWeightSource): Promise<TfVit> {
  const weights: VitWeights = { tensors: new Map(), host: new Map() };
  try {
    await source((w) => {
      if (HOST_WEIGHTS.has(w.name)) weights.host.set(w.name, w.data);
      else weights.tensors.set(w.name, tf.tensor(w.data, w.shape));
    });
    return new TfVit(config, weights, feature);
  } catch (err) {
    for (const t of weights.tensors.values()) t.dispose();
    throw err;
  }
}

/**
 * The CPU route's copy (src/engine/cpu-route/vit.ts), each weight packed as it arrives; null when the GEMM
 * cannot start here or the network does not fit the route (then tfjs runs it; a forced 'wasm-gemm' route
 * fails instead).
 */
async function buildGemmVit(
  card: ModelCard,
  config: VitConfig,
  feature: VitFeature,
  source: VitWeightSource,
  weightBytes: number,
): Promise<GemmVit | null> {
  return buildOnCpuRoute(card.id, async (engine) => {
    const builder = await GemmVitBuilder.start(engine, weightBytes);
    try {
      await source((w) => builder.add(w));
    } catch (e) {
      builder.abandon();
      throw e;
    }
    return builder.finish(config, feature); // finish owns (and on failure disposes) the network
  });
}

/**
 * A Backbone over a ViT's weights. Each route builds its copy of the network on first use: the CPU route on
 * CPU backends (wantsCpuRoute), the tfjs graph on GPU backends or where the CPU route cannot run it, so a
 * ViT-L's weights are held once, by the route in use. `prepare` builds the current route's copy now (a
 * loader awaits it, so bad files fail the load).
 */
export function vitBackbone(
  card: ModelCard,
  config: VitConfig,
  source: VitWeightSource,
  weightBytes: number,
): Backbone & { prepare(): Promise<void> } {
  assertValidVitConfig(config);
  const feature = vitFeatureOf(card);
  const featureSize = vitFeatureSize(config, feature);
  if (card.featureSize !== featureSize) {
    throw new Error(`${card.id}: card says featureSize ${card.featureSize}, weights give ${featureSize}`);
  }
  const norm = { mean: card.mean, std: card.std };
  let tfjs: Promise<TfVit> | null = null;
  let cpu: Promise<GemmVit | null> | null = null;
  /** Networks built so far: dispose() frees them at once (tensor counts are checked right after it). */
  const built = new Set<{ dispose(): void }>();
  const track = <T extends { dispose(): void } | null>(net: T): T => {
    if (net) built.add(net);
    return net;
  };
  const tfjsNet = () => {
    tfjs ??= buildTfVit(config, feature, source).then(track);
    return tfjs;
  };
  const cpuNet = () =>
    wantsCpuRoute()
      ? (cpu ??= buildGemmVit(card, config, feature, source, weightBytes).then(track))
      : Promise.resolve(null);
  const netNow = async (): Promise<GemmVit | TfVit> => (await cpuNet()) ?? (await tfjsNet());
  return {
    card,
    async prepare() {
      await netNow();
    },
    async embed(batch) {
      checkPixels(batch);
      const net = await netNow();
      if (net instanceof GemmVit) return net.embed(batch, norm);
      const pixels = () => tf.tensor4d(batch.data, [batch.n, batch.size, batch.size, 3]);
      const out = tf.tidy(() => net.forward(pixels(), norm));
      try {
        return (await out.data()) as Float32Array;
      } finally {
        out.dispose();
      }
    },
    dispose() {
      const pending = [tfjs, cpu];
      tfjs = null;
      cpu = null;
      for (const net of built) net.dispose();
      built.clear();
      // A build still in flight is freed when it lands.
      for (const p of pending) void p?.then((net) => net?.dispose()).catch(() => {});
    },
  };
}
