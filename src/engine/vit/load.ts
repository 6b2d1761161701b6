// Loads a lab-vit model folder into a Backbone, streaming: each weight goes to the backend as soon as its
// shard bytes arrive, so a ViT-L never sits in memory twice (see model-format/stream.ts).

import * as tf from '@tensorflow/tfjs-core';
import type { ModelCard } from '../../core/types.ts';
import { streamLabModel } from '../model-format/stream.ts';
import type { LabModel } from '../model-format/types.ts';
import type { Backbone, ModelFileReader } from '../types.ts';
import { HOST_WEIGHTS, uploadVitWeights, vitBackbone } from './backbone.ts';
import type { VitWeights } from './build.ts';

export function vitBackboneFromLabModel(card: ModelCard, model: LabModel): Backbone {
  if (model.json.format !== 'lab-vit')
    throw new Error(`${card.id}: model.json is '${model.json.format}', not lab-vit`);
  return vitBackbone(card, model.json.config, uploadVitWeights(model.tensors));
}

/** Reads models/<id>/ through `read`; the shards must hash to card.weightsHash. */
export async function loadVitBackbone(card: ModelCard, read: ModelFileReader): Promise<Backbone> {
  const weights: VitWeights = { tensors: new Map(), host: new Map() };
  try {
    const { json } = await streamLabModel(read, {
      expectedHash: card.weightsHash,
      onWeight(w) {
        if (HOST_WEIGHTS.has(w.name)) weights.host.set(w.name, w.data);
        else weights.tensors.set(w.name, tf.tensor(w.data, w.shape));
      },
    });
    if (json.format !== 'lab-vit') throw new Error(`${card.id}: model.json is '${json.format}', not lab-vit`);
    return vitBackbone(card, json.config, weights);
  } catch (err) {
    for (const t of weights.tensors.values()) t.dispose();
    throw err;
  }
}
