// Loads a lab-vit model folder into a Backbone.

import type { ModelCard } from '../../core/types.ts';
import { readLabModel } from '../model-format/read.ts';
import type { LabModel } from '../model-format/types.ts';
import type { Backbone, ModelFileReader } from '../types.ts';
import { uploadVitWeights, vitBackbone } from './backbone.ts';

export function vitBackboneFromLabModel(card: ModelCard, model: LabModel): Backbone {
  if (model.json.format !== 'lab-vit')
    throw new Error(`${card.id}: model.json is '${model.json.format}', not lab-vit`);
  return vitBackbone(card, model.json.config, uploadVitWeights(model.tensors));
}

/** Reads models/<id>/ through `read`; the shards must hash to card.weightsHash. */
export async function loadVitBackbone(card: ModelCard, read: ModelFileReader): Promise<Backbone> {
  const model = await readLabModel(read, { expectedHash: card.weightsHash });
  return vitBackboneFromLabModel(card, model);
}
