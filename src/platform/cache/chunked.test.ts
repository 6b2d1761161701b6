import { describe, expect, it, vi } from 'vitest';
import { type ChunkStore, createChunkedFeatureCache } from './chunked.ts';

/** An in-memory store whose files the test can cut short, as an interrupted OPFS write leaves them. */
function memoryStore() {
  const files = new Map<string, Uint8Array>();
  const store: ChunkStore = {
    list: async (folder) =>
      [...files.keys()].filter((k) => k.startsWith(`${folder}/`)).map((k) => k.slice(folder.length + 1)),
    read: async (folder, file) => {
      const bytes = files.get(`${folder}/${file}`);
      if (!bytes) throw new Error(`no ${folder}/${file}`);
      return bytes;
    },
    write: async (folder, file, bytes) => {
      files.set(`${folder}/${file}`, bytes.slice());
    },
    sizeBytes: async () => [...files.values()].reduce((s, b) => s + b.byteLength, 0),
    clear: async () => files.clear(),
  };
  return { store, files };
}

const vec = (seed: number, dim = 4) => Float32Array.from({ length: dim }, (_, i) => seed + i / 4);
const NS = 'model|224';

async function twoChunks() {
  const mem = memoryStore();
  const cache = createChunkedFeatureCache(mem.store);
  await cache.put(NS, [
    { key: 'a.jpg', features: vec(1) },
    { key: 'b.jpg', features: vec(2) },
  ]);
  await cache.put(NS, [
    { key: 'c.jpg', features: vec(3) },
    { key: 'd.jpg', features: vec(4) },
  ]);
  const names = [...mem.files.keys()].sort();
  const second = names.filter((n) => n.endsWith('.keys.json'))[1].slice(0, -'.keys.json'.length);
  return { ...mem, second };
}

describe('chunked feature cache after an interrupted write', () => {
  it('skips a chunk whose key list was left empty (the reload-mid-write case) and keeps the rest', async () => {
    const { store, files, second } = await twoChunks();
    files.set(`${second}.keys.json`, new Uint8Array(0));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const got = await createChunkedFeatureCache(store).get(NS, ['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg']);
    expect(got).toEqual([vec(1), vec(2), undefined, undefined]);
    expect(warn).toHaveBeenCalledOnce();
    expect(String(warn.mock.calls[0][0])).toMatch(/skipped chunk .*key list is empty or unreadable/);
    warn.mockRestore();
  });

  it('skips key lists that are cut short or not a key list at all', async () => {
    const { store, files, second } = await twoChunks();
    const text = new TextDecoder().decode(files.get(`${second}.keys.json`)!);
    for (const bad of [text.slice(0, 10), '{"dim":0,"keys":["c.jpg"]}', '{"dim":4,"keys":[1,2]}', 'null']) {
      files.set(`${second}.keys.json`, new TextEncoder().encode(bad));
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const got = await createChunkedFeatureCache(store).get(NS, ['a.jpg', 'c.jpg']);
      expect(got, bad).toEqual([vec(1), undefined]);
      warn.mockRestore();
    }
  });

  it('treats rows beyond a short or missing vector file as misses, warns once, and refills on put', async () => {
    const { store, files, second } = await twoChunks();
    const full = files.get(`${second}.f32`)!;
    files.set(`${second}.f32`, full.slice(0, 4 * 4 + 6)); // c complete, d cut mid-vector
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const cache = createChunkedFeatureCache(store);
    expect(await cache.get(NS, ['c.jpg', 'd.jpg'])).toEqual([vec(3), undefined]);
    expect(await cache.get(NS, ['d.jpg'])).toEqual([undefined]);
    expect(warn).toHaveBeenCalledOnce();
    await cache.put(NS, [{ key: 'd.jpg', features: vec(5) }]);
    expect(await cache.get(NS, ['c.jpg', 'd.jpg'])).toEqual([vec(3), vec(5)]);

    files.delete(`${second}.f32`);
    expect(await createChunkedFeatureCache(store).get(NS, ['a.jpg', 'c.jpg'])).toEqual([vec(1), undefined]);
    expect(warn).toHaveBeenCalledTimes(2);
    warn.mockRestore();
  });
});
