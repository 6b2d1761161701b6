// Tar shards in Node, from bytes in memory or from files read piecewise (a shard is never loaded whole).

import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ListingOptions } from '../../core/dataset/listing.ts';
import { bytesReader } from '../../core/dataset/tar.ts';
import { createTarSource, type TarShard } from '../../core/dataset/tar-source.ts';
import type { DatasetSource } from '../../core/types.ts';

export type ShardInput = { name: string; bytes: Uint8Array } | { name: string; path: string };

async function fileShard(name: string, path: string): Promise<TarShard> {
  const { size } = await stat(path);
  return {
    name,
    size,
    async read(offset, length) {
      const handle = await open(path, 'r');
      try {
        const buffer = new Uint8Array(length);
        const { bytesRead } = await handle.read(buffer, 0, length, offset);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
  };
}

/** Dataset name: the shards' common stem (`mydata-train-000.tar` ...) is not guessed; pass `name` to override. */
export function tarShardsSource(
  shards: ShardInput[],
  opts: ListingOptions & { name?: string } = {},
): DatasetSource {
  const { name, ...listingOpts } = opts;
  let resolved: Promise<TarShard[]> | null = null;
  const ready = () => {
    resolved ??= Promise.all(
      shards.map((s) =>
        'bytes' in s
          ? { name: s.name, size: s.bytes.length, read: bytesReader(s.bytes) }
          : fileShard(s.name, s.path),
      ),
    );
    return resolved;
  };
  const sourceName = name ?? basename(shards[0]?.name ?? 'tar', '.tar');
  let inner: Promise<DatasetSource> | null = null;
  const source = () => {
    inner ??= ready().then((list) => createTarSource(sourceName, list, listingOpts));
    return inner;
  };
  return {
    name: sourceName,
    list: async () => (await source()).list(),
    read: async (key) => (await source()).read(key),
  };
}
