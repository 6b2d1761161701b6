import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diskFeatureCache } from './cache.ts';

const vec = (seed: number, dim = 5) => Float32Array.from({ length: dim }, (_, i) => seed + i / 8);

describe('diskFeatureCache', () => {
  const dir = resolve('.cache/test-features');
  rmSync(dir, { recursive: true, force: true });

  it('stores vectors per namespace in chunks, survives a new instance, later puts win', async () => {
    const cache = diskFeatureCache(dir);
    expect(await cache.sizeBytes()).toBe(0);
    await cache.put('resnet50|224|fp1', [
      { key: 'train/chat/été.jpg', features: vec(1) },
      { key: 'train/犬/1.png', features: vec(2) },
    ]);
    await cache.put('resnet50|224|fp1', [{ key: 'train/犬/1.png', features: vec(3) }]);
    await cache.put('other model', [{ key: 'train/chat/été.jpg', features: vec(9, 3) }]);

    const fresh = diskFeatureCache(dir);
    const got = await fresh.get('resnet50|224|fp1', ['train/犬/1.png', 'missing.png', 'train/chat/été.jpg']);
    expect(got[0]).toEqual(vec(3));
    expect(got[1]).toBeUndefined();
    expect(got[2]).toEqual(vec(1));
    expect(await fresh.get('other model', ['train/chat/été.jpg'])).toEqual([vec(9, 3)]);
    expect(await fresh.get('never used', ['train/chat/été.jpg'])).toEqual([undefined]);
    // 3 chunks of float32 data (2×5 + 1×5 + 1×3 floats) plus their small key files.
    expect(await fresh.sizeBytes()).toBeGreaterThan((10 + 5 + 3) * 4);

    await fresh.clear();
    expect(await fresh.sizeBytes()).toBe(0);
    expect(await fresh.get('resnet50|224|fp1', ['train/犬/1.png'])).toEqual([undefined]);
  });

  it('refuses vectors of different lengths in one put', async () => {
    const cache = diskFeatureCache(dir);
    await expect(
      cache.put('ns', [
        { key: 'a', features: vec(1, 4) },
        { key: 'b', features: vec(1, 5) },
      ]),
    ).rejects.toThrow('same length');
  });
});
