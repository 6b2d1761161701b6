// Loads a lab-vit model folder into a Backbone, streaming: each weight goes to the route's network (packed
// into the CPU route's memory, or uploaded to the tfjs backend) as soon as its shard bytes arrive, so a
// ViT-L never sits in memory twice (see model-format/stream.ts). The route in use is built at load, so bad
// files fail the load; the other route, if ever used (a backend switch), streams the files again.

import type { ModelCard } from '../../core/types.ts';
import { parseModelJson, readJson } from '../model-format/read.ts';
import { streamLabModel } from '../model-format/stream.ts';
import { type LabModel, MODEL_JSON } from '../model-format/types.ts';
import type { Backbone, ModelFileReader } from '../types.ts';
import { vitBackbone } from './backbone.ts';

/** A backbone over a model already in memory (e.g. converted in the browser); each route builds on first use. */
export function vitBackboneFromLabModel(card: ModelCard, model: LabModel): Backbone {
  if (model.json.format !== 'lab-vit')
    throw new Error(`${card.id}: model.json is '${model.json.format}', not lab-vit`);
  let bytes = 0;
  for (const t of model.tensors.values()) bytes += t.data.length * 4;
  return vitBackbone(
    card,
    model.json.config,
    async (onWeight) => {
      for (const t of model.tensors.values()) onWeight(t);
    },
    bytes,
  );
}

/** Reads models/<id>/ through `read`; the shards must hash to card.weightsHash. */
export async function loadVitBackbone(card: ModelCard, read: ModelFileReader): Promise<Backbone> {
  const json = parseModelJson(await readJson(read, MODEL_JSON));
  if (json.format !== 'lab-vit') throw new Error(`${card.id}: model.json is '${json.format}', not lab-vit`);
  let bytes = 0;
  for (const group of json.weightsManifest)
    for (const w of group.weights) bytes += 4 * w.shape.reduce((a, b) => a * b, 1);
  const backbone = vitBackbone(
    card,
    json.config,
    async (onWeight) => {
      await streamLabModel(read, { expectedHash: card.weightsHash, onWeight });
    },
    bytes,
  );
  try {
    await backbone.prepare();
  } catch (err) {
    backbone.dispose();
    throw err;
  }
  return backbone;
}
