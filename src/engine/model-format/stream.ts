// Streams a lab model's weights shard by shard: each weight is handed on (e.g. uploaded to a tfjs tensor)
// as soon as its bytes are complete, and the shard is dropped. Peak host memory is one shard plus the
// largest weight, never the whole model twice (a ViT-L in float16 is 600 MB of shards, 1.2 GB as float32).
// The shards are hashed on the way with the incremental SHA-256; the caller undoes its work on a mismatch.

import { Sha256 } from '../../core/sha256.ts';
import type { NamedTensor } from '../resnet/fold.ts';
import type { ModelFileReader } from '../types.ts';
import { BYTES_PER, decodeWeight, parseModelJson, readJson } from './read.ts';
import { type LabModelJson, MODEL_JSON, type WeightSpec } from './types.ts';

export interface StreamOptions {
  expectedHash?: string;
  /** Called once per weight, in manifest order; the data is the caller's to keep or drop. */
  onWeight(weight: NamedTensor): void;
}

/** Reads model.json, then every shard in order; resolves to the manifest and the shards' sha256. */
export async function streamLabModel(
  read: ModelFileReader,
  opts: StreamOptions,
): Promise<{ json: LabModelJson; weightsHash: string }> {
  const json = parseModelJson(await readJson(read, MODEL_JSON));
  const hash = new Sha256();
  for (const group of json.weightsManifest) {
    const specs = group.weights;
    let index = 0;
    let pending: Uint8Array | null = null;
    let filled = 0;
    const size = (s: WeightSpec) => s.shape.reduce((a, b) => a * b, 1) * BYTES_PER[s.dtype];
    for (const path of group.paths) {
      const shard = await read(path);
      hash.update(shard);
      let offset = 0;
      while (offset < shard.byteLength) {
        if (index >= specs.length) {
          throw new Error(`${path}: ${shard.byteLength - offset} bytes more than the manifest describes`);
        }
        pending ??= new Uint8Array(size(specs[index]));
        const take = Math.min(pending.byteLength - filled, shard.byteLength - offset);
        pending.set(shard.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === pending.byteLength) {
          const spec = specs[index];
          opts.onWeight({ name: spec.name, shape: spec.shape, data: decodeWeight(spec, pending) });
          pending = null;
          filled = 0;
          index++;
        }
      }
    }
    // Zero-sized weights complete without bytes.
    while (index < specs.length && size(specs[index]) === 0 && pending === null) {
      opts.onWeight({ name: specs[index].name, shape: specs[index].shape, data: new Float32Array(0) });
      index++;
    }
    if (index < specs.length) {
      throw new Error(`${group.paths.join(', ')}: truncated: ${specs[index].name} is incomplete`);
    }
  }
  const weightsHash = hash.hex();
  if (opts.expectedHash && opts.expectedHash !== weightsHash) {
    throw new Error(`weights hash mismatch: card says ${opts.expectedHash}, shards hash to ${weightsHash}`);
  }
  return { json, weightsHash };
}
