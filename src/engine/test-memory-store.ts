// Test-only: a ChunkStore in memory, so a feature cache can be exercised without a disk or OPFS.

import type { ChunkStore } from '../platform/cache/chunked.ts';

export function memoryChunkStore(): ChunkStore {
  const files = new Map<string, Uint8Array>();
  return {
    list: async (folder) =>
      [...files.keys()].filter((k) => k.startsWith(`${folder}/`)).map((k) => k.slice(folder.length + 1)),
    read: async (folder, file) => {
      const bytes = files.get(`${folder}/${file}`);
      if (!bytes) throw new Error('no such file');
      return bytes;
    },
    write: async (folder, file, bytes) => {
      files.set(`${folder}/${file}`, bytes.slice());
    },
    sizeBytes: async () => 0,
    clear: async () => files.clear(),
  };
}
