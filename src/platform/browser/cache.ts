// Feature cache in the browser: the Origin Private File System when available (fast, large, in Workers),
// else IndexedDB. Same chunked layout as on disk (see cache/chunked.ts).

import type { FeatureCache } from '../../core/types.ts';
import { type ChunkStore, createChunkedFeatureCache } from '../cache/chunked.ts';

const ROOT = 'tlab-features';

async function opfsRoot(): Promise<FileSystemDirectoryHandle | null> {
  try {
    const root = await navigator.storage.getDirectory();
    return await root.getDirectoryHandle(ROOT, { create: true });
  } catch {
    return null;
  }
}

async function opfsFolderSize(dir: FileSystemDirectoryHandle): Promise<number> {
  let total = 0;
  for await (const handle of (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values()) {
    if (handle.kind === 'directory') total += await opfsFolderSize(handle as FileSystemDirectoryHandle);
    else total += (await (handle as FileSystemFileHandle).getFile()).size;
  }
  return total;
}

function opfsStore(root: FileSystemDirectoryHandle): ChunkStore {
  const folder = (name: string, create: boolean) => root.getDirectoryHandle(name, { create });
  return {
    async list(name) {
      const names: string[] = [];
      try {
        const dir = await folder(name, false);
        for await (const key of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(key);
      } catch {
        // no folder yet: empty namespace
      }
      return names;
    },
    async read(name, file) {
      const handle = await (await folder(name, false)).getFileHandle(file);
      return new Uint8Array(await (await handle.getFile()).arrayBuffer());
    },
    async write(name, file, bytes) {
      const handle = await (await folder(name, true)).getFileHandle(file, { create: true });
      const writable = await handle.createWritable();
      await writable.write(bytes as Uint8Array<ArrayBuffer>);
      await writable.close();
    },
    sizeBytes: () => opfsFolderSize(root),
    async clear() {
      const names: string[] = [];
      for await (const key of (root as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(key);
      for (const name of names) await root.removeEntry(name, { recursive: true });
    },
  };
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openDb(): Promise<IDBDatabase> {
  const req = indexedDB.open(ROOT, 1);
  req.onupgradeneeded = () => req.result.createObjectStore('files');
  return request(req);
}

/** IndexedDB fallback: one object store keyed by "folder/file". */
function idbStore(): ChunkStore {
  const db = openDb();
  const tx = async (mode: IDBTransactionMode) => (await db).transaction('files', mode).objectStore('files');
  return {
    async list(folder) {
      const range = IDBKeyRange.bound(`${folder}/`, `${folder}/\uffff`);
      const keys = await request((await tx('readonly')).getAllKeys(range));
      return keys.map((k) => String(k).slice(folder.length + 1));
    },
    async read(folder, file) {
      const value = await request((await tx('readonly')).get(`${folder}/${file}`));
      if (!value) throw new Error(`feature cache: missing ${folder}/${file}`);
      return new Uint8Array(value as ArrayBuffer);
    },
    async write(folder, file, bytes) {
      await request((await tx('readwrite')).put(bytes.slice().buffer, `${folder}/${file}`));
    },
    async sizeBytes() {
      const values = await request((await tx('readonly')).getAll());
      return values.reduce((sum: number, v: ArrayBuffer) => sum + v.byteLength, 0);
    },
    async clear() {
      await request((await tx('readwrite')).clear());
    },
  };
}

/**
 * OPFS when the browser has it (Chromium, Firefox, Safari 15.2+), else IndexedDB; `prefer: 'indexeddb'`
 * forces the fallback (tests, or browsers whose OPFS is unusable).
 */
export function browserFeatureCache(opts: { prefer?: 'opfs' | 'indexeddb' } = {}): FeatureCache {
  let store: Promise<ChunkStore> | null = null;
  const chosen = () => {
    store ??=
      opts.prefer === 'indexeddb'
        ? Promise.resolve(idbStore())
        : opfsRoot().then((root) => (root ? opfsStore(root) : idbStore()));
    return store;
  };
  const lazy: ChunkStore = {
    list: async (f) => (await chosen()).list(f),
    read: async (f, n) => (await chosen()).read(f, n),
    write: async (f, n, b) => (await chosen()).write(f, n, b),
    sizeBytes: async () => (await chosen()).sizeBytes(),
    clear: async () => (await chosen()).clear(),
  };
  return createChunkedFeatureCache(lazy);
}
