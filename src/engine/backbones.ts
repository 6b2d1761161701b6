// One entry point for every model format the lab reads: its own ResNets and ViTs, and models already in tfjs format.

import type { ModelCard } from '../core/types.ts';
import { loadBackbone } from './load-backbone.ts';
import { loadTfjsBackbone } from './tfjs-import/load-tfjs-model.ts';
import type { Backbone, ModelFileReader } from './types.ts';
import { loadVitBackbone } from './vit/load.ts';

export function loadAnyBackbone(card: ModelCard, read: ModelFileReader): Promise<Backbone> {
  switch (card.format) {
    case 'lab-resnet':
      return loadBackbone(card, read);
    case 'lab-vit':
      return loadVitBackbone(card, read);
    case 'tfjs-layers':
    case 'tfjs-graph':
      return loadTfjsBackbone(card, read);
    default:
      throw new Error(`${card.id}: unknown model format '${String(card.format)}' in card.json`);
  }
}
