// The lab's model format: models/<id>/model.json (a tfjs-style weights manifest plus the ResNet or ViT config),
// weight shards group1-shardKofN.bin, and card.json (the ModelCard).

import type { VitConfig } from '../../convert/vit-keys.ts';
import type { ModelCard } from '../../core/types.ts';
import type { ResNetConfig } from '../resnet/config.ts';
import type { NamedTensor } from '../resnet/fold.ts';

export type StoredDType = 'float32' | 'float16';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: StoredDType;
}

export interface WeightsGroup {
  paths: string[];
  weights: WeightSpec[];
}

interface LabModelJsonBase {
  /** Version of this file layout; bump on incompatible change. */
  formatVersion: 1;
  weightsManifest: WeightsGroup[];
}

export interface LabResNetJson extends LabModelJsonBase {
  format: 'lab-resnet';
  config: ResNetConfig;
}

export interface LabVitJson extends LabModelJsonBase {
  format: 'lab-vit';
  config: VitConfig;
}

export type LabModelJson = LabResNetJson | LabVitJson;

/** A model read back into memory: weights always as float32 whatever the storage dtype. */
export interface LabModel {
  json: LabModelJson;
  tensors: Map<string, NamedTensor>;
  /** sha256 over the shard bytes in order (equals card.weightsHash for an intact model). */
  weightsHash: string;
}

/** The card fields the writer computes itself; everything else comes from the caller. */
export type CardInput = Omit<ModelCard, 'format' | 'weightsHash' | 'featureSize' | 'sizes'>;

export const MODEL_JSON = 'model.json';
export const CARD_JSON = 'card.json';
/** tfjs's own converter default; keeps each HTTP request and OPFS write small. */
export const MAX_SHARD_BYTES = 4 * 1024 * 1024;
