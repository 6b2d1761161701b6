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

/** A model folder that cannot be read: the message names the file (model.json, card.json or a shard). */
export class ModelFormatError extends Error {
  override name = 'ModelFormatError';
}

/** Reads one file of the folder; a missing or unreadable one is a ModelFormatError naming it. */
async function readFileOf(read: ModelFileReader, path: string): Promise<Uint8Array> {
  try {
    return await read(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    throw new ModelFormatError(
      `${path}: cannot be read (${code ?? (err instanceof Error ? err.message : String(err))})`,
    );
  }
}

export const BYTES_PER: Record<WeightSpec['dtype'], number> = { float32: 4, float16: 2 };

/** model.json and card.json are a few KB; anything this large is not one. */
const MAX_JSON_BYTES = 16 * 2 ** 20;

export async function readJson(read: ModelFileReader, path: string): Promise<unknown> {
  const bytes = await readFileOf(read, path);
  if (bytes.byteLength > MAX_JSON_BYTES)
    throw new ModelFormatError(`${path}: ${bytes.byteLength} bytes, not a model file`);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new ModelFormatError(
      `${path}: not valid JSON (${err instanceof Error ? err.message : String(err)})`,
    );
  }
}

export function parseModelJson(x: unknown): LabModelJson {
  const j = x as Partial<LabModelJson> | null;
  if (j?.format !== 'lab-resnet' && j?.format !== 'lab-vit')
    throw new ModelFormatError(`${MODEL_JSON}: format must be 'lab-resnet' or 'lab-vit'`);
  if (j.formatVersion !== 1)
    throw new ModelFormatError(`${MODEL_JSON}: unsupported formatVersion ${String(j.formatVersion)}`);
  if (!j.config) throw new ModelFormatError(`${MODEL_JSON}: no config`);
  if (j.format === 'lab-vit') assertValidVitConfig(j.config as VitConfig);
  else assertValidConfig(j.config as ResNetConfig);
  const groups = j.weightsManifest;
  if (!Array.isArray(groups) || groups.length === 0)
    throw new ModelFormatError(`${MODEL_JSON}: empty weightsManifest`);
  for (const g of groups) {
    if (!Array.isArray(g.paths) || !Array.isArray(g.weights))
      throw new ModelFormatError(`${MODEL_JSON}: bad weights group`);
    for (const p of g.paths) {
      // Shard names come from a file the user may have been sent: never let them climb out of the folder.
      if (typeof p !== 'string' || p.includes('/') || p.includes('\\') || p.startsWith('.')) {
        throw new ModelFormatError(`${MODEL_JSON}: refused shard path '${String(p)}'`);
      }
    }
    for (const w of g.weights) {
      if (!(w.dtype in BYTES_PER))
        throw new ModelFormatError(`${MODEL_JSON}: ${w.name} has unsupported dtype ${w.dtype}`);
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

/** Largest model the reader accepts, by the bytes its manifest declares (checked before any shard is read). */
export const MAX_MODEL_BYTES = 1024 * 2 ** 20;

function elementsOf(spec: WeightSpec): number {
  if (!Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw new ModelFormatError(`${MODEL_JSON}: ${String(spec.name)} has a bad shape`);
  const n = spec.shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(n) || n * BYTES_PER[spec.dtype] > MAX_MODEL_BYTES)
    throw new ModelFormatError(
      `${MODEL_JSON}: ${String(spec.name)} declares more than ${MAX_MODEL_BYTES} bytes`,
    );
  return n;
}

/** Bytes each group's weights declare; the total must fit the budget before anything is read. */
function declaredGroupBytes(json: LabModelJson): number[] {
  const sizes = json.weightsManifest.map((g) =>
    g.weights.reduce((n, spec) => n + elementsOf(spec) * BYTES_PER[spec.dtype], 0),
  );
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total > MAX_MODEL_BYTES)
    throw new ModelFormatError(
      `${MODEL_JSON}: weights declare ${total} bytes, over the ${MAX_MODEL_BYTES}-byte limit`,
    );
  return sizes;
}

/** Each shard named once across the whole manifest: one shard listed 3,000 times is not 3,000 shards. */
function refuseRepeatedShards(json: LabModelJson): void {
  const seen = new Set<string>();
  for (const g of json.weightsManifest) {
    for (const p of g.paths) {
      if (seen.has(p)) throw new ModelFormatError(`${MODEL_JSON}: shard '${p}' is listed more than once`);
      seen.add(p);
    }
  }
}

/** Reads the group's shards one at a time, each size-checked against what is still due, then joins them. */
async function readGroup(read: ModelFileReader, paths: string[], declared: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const p of paths) {
    const bytes = await readFileOf(read, p);
    total += bytes.byteLength;
    if (total > declared) {
      throw new ModelFormatError(
        `${p}: the shards hold more than the ${declared} bytes the manifest declares`,
      );
    }
    parts.push(bytes);
  }
  // Fewer bytes than declared: the weight loop names the first weight that does not fit.
  return concatBytes(parts);
}

export interface ReadOptions {
  /** When given, the shards' sha256 must equal it (the card's weightsHash). */
  expectedHash?: string;
}

export async function readLabModel(read: ModelFileReader, opts: ReadOptions = {}): Promise<LabModel> {
  const json = parseModelJson(await readJson(read, MODEL_JSON));
  refuseRepeatedShards(json);
  const declared = declaredGroupBytes(json);
  const tensors = new Map<string, NamedTensor>();
  const groupBytes: Uint8Array[] = [];
  for (const [g, group] of json.weightsManifest.entries()) {
    const bytes = await readGroup(read, group.paths, declared[g]);
    groupBytes.push(bytes);
    let offset = 0;
    for (const spec of group.weights) {
      const n = spec.shape.reduce((a, b) => a * b, 1);
      const size = n * BYTES_PER[spec.dtype];
      if (offset + size > bytes.byteLength) {
        throw new ModelFormatError(
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
      throw new ModelFormatError(
        `${group.paths.join(', ')}: ${bytes.byteLength - offset} bytes more than the manifest describes`,
      );
    }
  }
  const weightsHash = await sha256Hex(groupBytes.length === 1 ? groupBytes[0] : concatBytes(groupBytes));
  if (opts.expectedHash && opts.expectedHash !== weightsHash) {
    throw new ModelFormatError(
      `weights hash mismatch: card says ${opts.expectedHash}, shards hash to ${weightsHash}`,
    );
  }
  return { json, tensors, weightsHash };
}

export async function readCard(read: ModelFileReader): Promise<ModelCard> {
  const card = (await readJson(read, CARD_JSON)) as ModelCard;
  if (!card || typeof card.id !== 'string' || typeof card.weightsHash !== 'string') {
    throw new ModelFormatError(`${CARD_JSON}: not a model card (needs id and weightsHash)`);
  }
  return card;
}

/** The ResNet config of a model, for the code paths that only build ResNets (inversion, the ResNet backbone). */
export function resnetConfigOf(json: LabModelJson): ResNetConfig {
  if (json.format !== 'lab-resnet') throw new Error(`expected a lab-resnet model, got '${json.format}'`);
  return json.config;
}
