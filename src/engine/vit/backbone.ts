// A Backbone from a lab-format ViT: upload the weights, embed with the card's normalisation and feature.

import * as tf from '@tensorflow/tfjs-core';
import type { VitConfig } from '../../convert/vit-keys.ts';
import type { ModelCard, PixelBatch } from '../../core/types.ts';
import type { NamedTensor } from '../resnet/fold.ts';
import type { Backbone } from '../types.ts';
import { TfVit, VIT_FEATURES, type VitFeature, type VitWeights } from './build.ts';

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

function pixelTensor(batch: PixelBatch): tf.Tensor4D {
  const expected = batch.n * batch.size * batch.size * 3;
  if (batch.data.length !== expected) {
    throw new Error(
      `pixel batch has ${batch.data.length} values, expected ${batch.n}×${batch.size}×${batch.size}×3`,
    );
  }
  return tf.tensor4d(batch.data, [batch.n, batch.size, batch.size, 3]);
}

/** A Backbone over uploaded weights; the backbone owns (and disposes) them. */
export function vitBackbone(card: ModelCard, config: VitConfig, weights: VitWeights): Backbone {
  let net: TfVit;
  try {
    net = new TfVit(config, weights, vitFeatureOf(card));
  } catch (err) {
    for (const t of weights.tensors.values()) t.dispose();
    throw err;
  }
  if (card.featureSize !== net.featureSize) {
    net.dispose();
    throw new Error(`${card.id}: card says featureSize ${card.featureSize}, weights give ${net.featureSize}`);
  }
  const norm = { mean: card.mean, std: card.std };
  return {
    card,
    async embed(batch) {
      const out = tf.tidy(() => net.forward(pixelTensor(batch), norm));
      try {
        return (await out.data()) as Float32Array;
      } finally {
        out.dispose();
      }
    },
    dispose: () => net.dispose(),
  };
}
