// A FeatureCache over any small file store (Node folder, OPFS, IndexedDB).
//
// Layout per namespace (its folder is named by the namespace's sha256, so any string is safe):
//   <id>.f32        the vectors of one put(), float32 little-endian, row after row
//   <id>.keys.json  { "dim": n, "keys": [...] } written AFTER the .f32, so a chunk without it is ignored
// A write cut short (a reload or a closed tab while a worker writes to OPFS) can leave an empty or partial
// file under its final name: such a chunk is skipped with a warning and its vectors are computed again. A
// cache must never fail a run.
// Keys live inside the JSON, never in file names, so non-ASCII keys need no escaping. A later put of the same
// key wins (chunk ids sort by creation time).

import { sha256Hex } from '../../core/hash.ts';
import type { FeatureCache } from '../../core/types.ts';

export interface ChunkStore {
  /** File names in a namespace folder ([] when it does not exist). */
  list(folder: string): Promise<string[]>;
  read(folder: string, file: string): Promise<Uint8Array>;
  write(folder: string, file: string, bytes: Uint8Array): Promise<void>;
  sizeBytes(): Promise<number>;
  clear(): Promise<void>;
}

interface Located {
  chunk: string;
  row: number;
  dim: number;
}

const KEYS_SUFFIX = '.keys.json';
const utf8 = new TextEncoder();

let sequence = 0;
function newChunkId(): string {
  sequence = (sequence + 1) % 1_000_000;
  const time = Date.now().toString(36).padStart(9, '0');
  const rand = Math.floor(Math.random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0');
  return `${time}-${sequence.toString(36).padStart(4, '0')}-${rand}`;
}

interface ChunkKeys {
  dim: number;
  keys: string[];
}

/** The chunk's key list, or null when the file is empty, cut short or not ours. */
async function readChunkKeys(store: ChunkStore, folder: string, file: string): Promise<ChunkKeys | null> {
  try {
    const meta = JSON.parse(new TextDecoder().decode(await store.read(folder, file))) as Partial<ChunkKeys>;
    const valid =
      Number.isInteger(meta.dim) &&
      (meta.dim ?? 0) > 0 &&
      Array.isArray(meta.keys) &&
      meta.keys.every((k) => typeof k === 'string');
    return valid ? (meta as ChunkKeys) : null;
  } catch {
    return null;
  }
}

async function readChunkVectors(
  store: ChunkStore,
  folder: string,
  chunk: string,
): Promise<Float32Array | null> {
  try {
    const bytes = await store.read(folder, `${chunk}.f32`);
    // Copy when unaligned: a Float32Array view needs a byte offset that is a multiple of 4.
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
    return new Float32Array(aligned.buffer, aligned.byteOffset, Math.floor(aligned.byteLength / 4));
  } catch {
    return null;
  }
}

function skipped(folder: string, chunk: string, why: string): void {
  console.warn(
    `feature cache: skipped chunk ${folder}/${chunk} (${why}; a write was probably interrupted).` +
      ' Its features will be computed again.',
  );
}

export function createChunkedFeatureCache(store: ChunkStore): FeatureCache {
  const folders = new Map<string, Promise<string>>();
  const indexes = new Map<string, Promise<Map<string, Located>>>();

  const folderOf = (namespace: string) => {
    let f = folders.get(namespace);
    if (!f) {
      f = sha256Hex(namespace).then((h) => `ns-${h.slice(0, 32)}`);
      folders.set(namespace, f);
    }
    return f;
  };

  async function loadIndex(folder: string): Promise<Map<string, Located>> {
    const index = new Map<string, Located>();
    const chunks = (await store.list(folder)).filter((f) => f.endsWith(KEYS_SUFFIX)).sort();
    for (const file of chunks) {
      const meta = await readChunkKeys(store, folder, file);
      const chunk = file.slice(0, -KEYS_SUFFIX.length);
      if (!meta) {
        skipped(folder, chunk, 'its key list is empty or unreadable');
        continue;
      }
      for (const [row, key] of meta.keys.entries()) index.set(key, { chunk, row, dim: meta.dim });
    }
    return index;
  }

  const indexOf = async (namespace: string) => {
    const folder = await folderOf(namespace);
    let idx = indexes.get(folder);
    if (!idx) {
      idx = loadIndex(folder);
      indexes.set(folder, idx);
    }
    return { folder, index: await idx };
  };

  return {
    async get(namespace, keys) {
      const { folder, index } = await indexOf(namespace);
      const out: (Float32Array | undefined)[] = new Array(keys.length).fill(undefined);
      const byChunk = new Map<string, number[]>();
      keys.forEach((key, i) => {
        const loc = index.get(key);
        if (loc) byChunk.set(loc.chunk, [...(byChunk.get(loc.chunk) ?? []), i]);
      });
      for (const [chunk, positions] of byChunk) {
        const floats = await readChunkVectors(store, folder, chunk);
        for (const i of positions) {
          const { row, dim } = index.get(keys[i])!;
          // A short or missing vector file: these rows are misses (recomputed), never garbage.
          if (floats && (row + 1) * dim <= floats.length) out[i] = floats.slice(row * dim, (row + 1) * dim);
        }
        const lost = positions.filter((i) => out[i] === undefined).map((i) => keys[i]);
        if (lost.length > 0) {
          for (const key of lost) index.delete(key); // warn once: the next get() misses them quietly
          skipped(folder, chunk, 'its vector file is missing or shorter than its key list says');
        }
      }
      return out;
    },

    async put(namespace, entries) {
      if (entries.length === 0) return;
      const dim = entries[0].features.length;
      if (entries.some((e) => e.features.length !== dim))
        throw new Error('put(): all vectors of one call must have the same length');
      const { folder, index } = await indexOf(namespace);
      const data = new Float32Array(entries.length * dim);
      for (const [row, e] of entries.entries()) data.set(e.features, row * dim);
      const chunk = newChunkId();
      await store.write(folder, `${chunk}.f32`, new Uint8Array(data.buffer));
      const keys = entries.map((e) => e.key);
      await store.write(folder, `${chunk}${KEYS_SUFFIX}`, utf8.encode(JSON.stringify({ dim, keys })));
      for (const [row, key] of keys.entries()) index.set(key, { chunk, row, dim });
    },

    sizeBytes: () => store.sizeBytes(),

    async clear() {
      await store.clear();
      indexes.clear();
    },
  };
}
