// The feature cache is keyed by content: an image replaced by another of the same name and byte size gets
// fresh features, an unchanged one comes from the cache.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { loadModelRef } from '../cli/models-on-disk.ts';
import { createChunkedFeatureCache } from '../platform/cache/chunked.ts';
import { decodeImageNode } from '../platform/node/decode.ts';
import { nodeFolderSource } from '../platform/node/folder.ts';
import { initBackend } from './backend.ts';
import { extractFeatures } from './extract.ts';
import { loadBackbone } from './load-backbone.ts';
import { memoryChunkStore } from './test-memory-store.ts';

/** A stored (level 0) PNG: its byte size depends on the dimensions only, not on the pixels. */
function storedPng(step: number): Uint8Array {
  const data = new Uint8Array(40 * 40 * 3).map((_, i) => (i * step) % 256);
  return encode({ width: 40, height: 40, data, channels: 3, depth: 8 }, { zlib: { level: 0 } });
}

describe('feature cache keys', () => {
  it('recomputes an image replaced by another of the same size, reuses an unchanged one', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tlab-cache-key-'));
    for (const c of ['a', 'b']) mkdirSync(join(root, c));
    writeFileSync(join(root, 'a/x.png'), storedPng(3));
    writeFileSync(join(root, 'b/y.png'), storedPng(5));
    await initBackend('cpu');
    const ref = await loadModelRef('zoo-supervised-r10n');
    const backbone = await loadBackbone(ref.card, ref.read);
    const cache = createChunkedFeatureCache(memoryChunkStore());
    const run = async () => {
      const source = nodeFolderSource(root);
      const listing = await source.list();
      return extractFeatures({
        source,
        keys: listing.items.map((i) => i.key),
        backbone,
        rule: ref.card.preprocessing.linear,
        decode: decodeImageNode,
        cache,
        cacheNamespace: `test/${listing.fingerprint}`,
        batchSize: 4,
        stage: 'features',
      });
    };
    try {
      const first = await run();
      expect(first.fromCache).toBe(0);
      const replacement = storedPng(11);
      expect(replacement.length).toBe(storedPng(3).length);
      writeFileSync(join(root, 'a/x.png'), replacement);
      const second = await run();
      // Same names, sizes and labels (same listing fingerprint): only the content tells them apart.
      expect(second.usedKeys).toEqual(first.usedKeys);
      expect(second.fromCache).toBe(1);
      const dim = ref.card.featureSize;
      const row = (r: typeof first, i: number) => Array.from(r.features.subarray(i * dim, (i + 1) * dim));
      expect(row(second, 0)).not.toEqual(row(first, 0));
      expect(row(second, 1)).toEqual(row(first, 1));
    } finally {
      backbone.dispose();
    }
  });
});
