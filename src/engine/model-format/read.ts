// Reads a model in the lab's format through a platform's file reader, checking everything it can:
// a truncated shard, a wrong manifest or a hash mismatch fails here with a message naming the file.

import { assertValidVitConfig, type VitConfig } from '../../convert/vit-keys.ts';
import { sha256Hex } from '../../core/hash.ts';
import type { ModelCard } from '../../core/types.ts';
import { assertValidConfig, type ResNetConfig } from '../resnet/config.ts';
import type { NamedTensor } from '../resnet/fold.ts';
import type { ModelFileReader } from '../types.ts';
import { decodeFloat16 } from './float16.ts';
import { CARD_JSON, type LabModel, type LabModelJson, MODEL_JSON, type WeightSpec } from './types.ts';
import { concatBytes } from './write.ts';

export const BYTES_PER: Record<WeightSpec['dtype'], number> = { float32: 4, float16: 2 };

export async function readJson(read: ModelFileReader, path: string): Promise<unknown> {
  const bytes = await read(path);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

export function parseModelJson(x: unknown): LabModelJson {
  const j = x as Partial<LabModelJson> | null;
  if (j?.format !== 'lab-resnet' && j?.format !== 'lab-vit')
    throw new Error(`${MODEL_JSON}: format must be 'lab-resnet' or 'lab-vit'`);
  if (j.formatVersion !== 1)
    throw new Error(`${MODEL_JSON}: unsupported formatVersion ${String(j.formatVersion)}`);
  if (!j.config) throw new Error(`${MODEL_JSON}: no config`);
  if (j.format === 'lab-vit') assertValidVitConfig(j.config as VitConfig);
  else assertValidConfig(j.config as ResNetConfig);
  const groups = j.weightsManifest;
  if (!Array.isArray(groups) || groups.length === 0) throw new Error(`${MODEL_JSON}: empty weightsManifest`);
  for (const g of groups) {
    if (!Array.isArray(g.paths) || !Array.isArray(g.weights))
      throw new Error(`${MODEL_JSON}: bad weights group`);
    for (const p of g.paths) {
      // Shard names come from a file the user may have been sent: never let them climb out of the folder.
      if (typeof p !== 'string' || p.includes('/') || p.includes('\\') || p.startsWith('.')) {
        throw new Error(`${MODEL_JSON}: refused shard path '${String(p)}'`);
      }
    }
    for (const w of g.weights) {
      if (!(w.dtype in BYTES_PER))
        throw new Error(`${MODEL_JSON}: ${w.name} has unsupported dtype ${w.dtype}`);
    }
  }
  return j as LabModelJson;
}

export function decodeWeight(spec: WeightSpec, bytes: Uint8Array): Float32Array {
  // Copy into a fresh, aligned buffer: shard offsets need not be multiples of 4, and a Node Buffer's
  // slice() would share (and offset into) its pool.
  const own = new Uint8Array(bytes);
  return spec.dtype === 'float16'
    ? decodeFloat16(new Uint16Array(own.buffer, 0, own.byteLength / 2))
    : new Float32Array(own.buffer, 0, own.byteLength / 4);
}

async function readGroup(read: ModelFileReader, paths: string[]): Promise<Uint8Array> {
  return concatBytes(await Promise.all(paths.map((p) => read(p))));
}

export interface ReadOptions {
  /** When given, the shards' sha256 must equal it (the card's weightsHash). */
  expectedHash?: string;
}

export async function readLabModel(read: ModelFileReader, opts: ReadOptions = {}): Promise<LabModel> {
  const json = parseModelJson(await readJson(read, MODEL_JSON));
  const tensors = new Map<string, NamedTensor>();
  const groupBytes: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    const bytes = await readGroup(read, group.paths);
    groupBytes.push(bytes);
    let offset = 0;
    for (const spec of group.weights) {
      const n = spec.shape.reduce((a, b) => a * b, 1);
      const size = n * BYTES_PER[spec.dtype];
      if (offset + size > bytes.byteLength) {
        throw new Error(
          `${group.paths.join(', ')}: truncated: ${spec.name} needs bytes up to ${offset + size}, have ${bytes.byteLength}`,
        );
      }
      tensors.set(spec.name, {
        name: spec.name,
        shape: spec.shape,
        data: decodeWeight(spec, bytes.subarray(offset, offset + size)),
      });
      offset += size;
    }
    if (offset !== bytes.byteLength) {
      throw new Error(
        `${group.paths.join(', ')}: ${bytes.byteLength - offset} bytes more than the manifest describes`,
      );
    }
  }
  const weightsHash = await sha256Hex(groupBytes.length === 1 ? groupBytes[0] : concatBytes(groupBytes));
  if (opts.expectedHash && opts.expectedHash !== weightsHash) {
    throw new Error(`weights hash mismatch: card says ${opts.expectedHash}, shards hash to ${weightsHash}`);
  }
  return { json, tensors, weightsHash };
}

export async function readCard(read: ModelFileReader): Promise<ModelCard> {
  const card = (await readJson(read, CARD_JSON)) as ModelCard;
  if (!card || typeof card.id !== 'string' || typeof card.weightsHash !== 'string') {
    throw new Error(`${CARD_JSON}: not a model card (needs id and weightsHash)`);
  }
  return card;
}

/** The ResNet config of a model, for the code paths that only build ResNets (inversion, the ResNet backbone). */
export function resnetConfigOf(json: LabModelJson): ResNetConfig {
  if (json.format !== 'lab-resnet') throw new Error(`expected a lab-resnet model, got '${json.format}'`);
  return json.config;
}
