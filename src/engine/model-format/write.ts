// Writes a folded ResNet in the lab's format. Platform-agnostic: returns file name → bytes; the CLI writes
// them to disk, the browser keeps them in memory or OPFS.

import { sha256Hex } from '../../core/hash.ts';
import type { ModelCard, ModelSizes } from '../../core/types.ts';
import { featureSizeOf, type ResNetConfig } from '../resnet/config.ts';
import type { NamedTensor } from '../resnet/fold.ts';
import { encodeFloat16 } from './float16.ts';
import {
  CARD_JSON,
  type CardInput,
  type LabModelJson,
  type LabResNetJson,
  type LabVitJson,
  MAX_SHARD_BYTES,
  MODEL_JSON,
  type StoredDType,
  type WeightSpec,
} from './types.ts';

export interface WriteOptions {
  float16?: boolean;
  shardBytes?: number;
}

function tensorBytes(t: NamedTensor, dtype: StoredDType): Uint8Array {
  const typed = dtype === 'float16' ? encodeFloat16(t.data) : t.data;
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

/** Like tfjs's converter: one byte stream cut into equal shards, so a weight may span two shards. */
export function splitShards(buffer: Uint8Array, shardBytes: number): Uint8Array[] {
  const shards: Uint8Array[] = [];
  for (let offset = 0; offset < buffer.byteLength; offset += shardBytes) {
    shards.push(buffer.subarray(offset, Math.min(offset + shardBytes, buffer.byteLength)));
  }
  return shards.length > 0 ? shards : [new Uint8Array(0)];
}

export function shardName(index: number, count: number): string {
  return `group1-shard${index + 1}of${count}.bin`;
}

function checkTensors(tensors: NamedTensor[]): void {
  const seen = new Set<string>();
  for (const t of tensors) {
    if (seen.has(t.name)) throw new Error(`duplicate weight name '${t.name}'`);
    seen.add(t.name);
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length)
      throw new Error(`${t.name}: shape [${t.shape}] needs ${n} values, has ${t.data.length}`);
  }
}

export interface LabModelFiles {
  files: Map<string, Uint8Array>;
  card: ModelCard;
}

/** model.json + shards + card.json for the given weights (names as produced by foldResNet). */
export function writeLabModel(
  tensors: NamedTensor[],
  config: ResNetConfig,
  cardInput: CardInput,
  opts: WriteOptions = {},
): Promise<LabModelFiles> {
  return writeModelFiles(tensors, { format: 'lab-resnet', config }, featureSizeOf(config), cardInput, opts);
}

/** What a weight list costs to download and to hold once uploaded. */
export function modelSizes(tensors: NamedTensor[], dtype: StoredDType): ModelSizes {
  const parameters = tensors.reduce((n, t) => n + t.data.length, 0);
  return {
    parameters,
    downloadBytes: parameters * (dtype === 'float16' ? 2 : 4),
    memoryBytes: parameters * 4,
  };
}

/** Any lab format: the architecture part of model.json, the feature size, and the weights in order. */
export async function writeModelFiles(
  tensors: NamedTensor[],
  arch: Pick<LabResNetJson, 'format' | 'config'> | Pick<LabVitJson, 'format' | 'config'>,
  featureSize: number,
  cardInput: CardInput,
  opts: WriteOptions = {},
): Promise<LabModelFiles> {
  checkTensors(tensors);
  const dtype: StoredDType = opts.float16 ? 'float16' : 'float32';
  const weights: WeightSpec[] = tensors.map((t) => ({ name: t.name, shape: t.shape, dtype }));
  const buffer = concatBytes(tensors.map((t) => tensorBytes(t, dtype)));
  const shards = splitShards(buffer, opts.shardBytes ?? MAX_SHARD_BYTES);
  const paths = shards.map((_, i) => shardName(i, shards.length));
  const json = { ...arch, formatVersion: 1, weightsManifest: [{ paths, weights }] } as LabModelJson;
  const card: ModelCard = {
    ...cardInput,
    format: arch.format,
    featureSize,
    weightsHash: await sha256Hex(buffer),
    sizes: modelSizes(tensors, dtype),
  };
  const encoder = new TextEncoder();
  const files = new Map<string, Uint8Array>();
  files.set(MODEL_JSON, encoder.encode(`${JSON.stringify(json, null, 1)}\n`));
  shards.forEach((s, i) => {
    files.set(paths[i], s);
  });
  files.set(CARD_JSON, encoder.encode(`${JSON.stringify(card, null, 2)}\n`));
  return { files, card };
}
