// Feature cache on disk (default .cache/features/), one folder per namespace, chunked (see cache/chunked.ts).

import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FeatureCache } from '../../core/types.ts';
import { type ChunkStore, createChunkedFeatureCache } from '../cache/chunked.ts';

async function folderSize(path: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(path, { withFileTypes: true }).catch(() => [])) {
    const full = join(path, entry.name);
    total += entry.isDirectory() ? await folderSize(full) : (await stat(full)).size;
  }
  return total;
}

function diskStore(dir: string): ChunkStore {
  return {
    list: (folder) => readdir(join(dir, folder)).catch(() => []),
    read: async (folder, file) => new Uint8Array(await readFile(join(dir, folder, file))),
    async write(folder, file, bytes) {
      await mkdir(join(dir, folder), { recursive: true });
      // Write then rename, so a crash never leaves a half-written chunk under its final name.
      const tmp = join(dir, folder, `${file}.tmp-${process.pid}`);
      await writeFile(tmp, bytes);
      await rename(tmp, join(dir, folder, file));
    },
    sizeBytes: () => folderSize(dir),
    clear: () => rm(dir, { recursive: true, force: true }),
  };
}

export function diskFeatureCache(dir = '.cache/features'): FeatureCache {
  return createChunkedFeatureCache(diskStore(dir));
}
