// The worker_threads pixel pool gives exactly the in-thread pixels, errors and features, and never detaches
// a buffer the caller still owns.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelRef } from '../../cli/models-on-disk.ts';
import { createPixelMemo } from '../../core/pixels/memo.ts';
import { preprocess } from '../../core/pixels/preprocess.ts';
import { createRng } from '../../core/rng.ts';
import type { ResizeRule } from '../../core/types.ts';
import { loadAnyBackbone } from '../../engine/backbones.ts';
import { initBackend } from '../../engine/backend.ts';
import {
  type ExtractOptions,
  extractFeatureSets,
  extractFeatures,
  type PixelSource,
} from '../../engine/extract.ts';
import type { Backbone } from '../../engine/types.ts';
import type { PixelPool } from '../pixel-pool-core.ts';
import { DecodeError, decodeImageNode } from './decode.ts';
import { nodeFolderSource } from './folder.ts';
import { createNodePixelPool } from './pixel-pool.ts';

const LINEAR: ResizeRule = { mode: 'shorter-side', resize: 224, crop: 224, interpolation: 'bicubic' };

/** A photo-like test image: smooth gradients, noise and a few hard edges. */
function rgb(width: number, height: number, seed: number): Uint8Array {
  const rng = createRng(seed);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 255) / width + 20 * rng.nextFloat();
      data[i + 1] = (y * 255) / height;
      data[i + 2] = (x + y) % 50 < 25 ? 230 : 15;
    }
  return data;
}

function jpegBytes(width: number, height: number, seed: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  const data = rgb(width, height, seed);
  for (let i = 0; i < width * height; i++) rgba.set(data.subarray(i * 3, i * 3 + 3), i * 4);
  return new Uint8Array(jpeg.encode({ data: rgba, width, height }, 85).data);
}

function pngBytes(width: number, height: number, seed: number): Uint8Array {
  return encodePng({ width, height, data: rgb(width, height, seed), channels: 3, depth: 8 });
}

function sameFloats(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

/** The pool as a PixelSource that counts the requests it is asked. */
function countingSource(pool: PixelSource): PixelSource & { requests: number } {
  const counted = {
    requests: 0,
    cropSets: (...args: Parameters<PixelSource['cropSets']>) => {
      counted.requests++;
      return pool.cropSets(...args);
    },
  };
  return counted;
}

describe('node pixel pool', () => {
  let pool: PixelPool;
  beforeAll(() => {
    pool = createNodePixelPool(2);
  });
  afterAll(async () => {
    await pool.close();
  });

  it('gives exactly the in-thread pixels for JPEG and PNG, in parallel', async () => {
    const files = [
      jpegBytes(320, 240, 1),
      pngBytes(200, 300, 2),
      jpegBytes(97, 251, 3),
      pngBytes(500, 64, 4),
    ];
    const want = await Promise.all(files.map(async (b) => preprocess(await decodeImageNode(b, 'x'), LINEAR)));
    const got = await Promise.all(files.map((b, i) => pool.pixels(b.slice(), `img${i}`, LINEAR)));
    got.forEach((g, i) => {
      expect(g.length).toBe(224 * 224 * 3);
      expect(sameFloats(g, want[i])).toBe(true);
    });
  });

  it('rejects a broken file with the same DecodeError as in-thread decoding', async () => {
    const broken = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const local = await decodeImageNode(broken, 'a/broken.png').catch((e: unknown) => e);
    const remote = await pool.pixels(broken.slice(), 'a/broken.png', LINEAR).catch((e: unknown) => e);
    expect(local).toBeInstanceOf(DecodeError);
    expect(remote).toBeInstanceOf(DecodeError);
    const [l, r] = [local as DecodeError, remote as DecodeError];
    expect([r.key, r.reason, r.message]).toEqual([l.key, l.reason, l.message]);
  });

  it('copies a view into a bigger buffer before transferring it, so the caller keeps its memory', async () => {
    const file = pngBytes(40, 30, 5);
    const shard = new Uint8Array(file.length + 100);
    shard.set(file, 50);
    const view = shard.subarray(50, 50 + file.length);
    await pool.pixels(view, 'in-a-tar.png', LINEAR);
    expect(shard.byteLength).toBe(file.length + 100);
    expect(Buffer.from(view).equals(Buffer.from(file))).toBe(true);
  });
});

describe('extractFeatures with and without the pool', () => {
  let backbone: Backbone;
  let dataDir: string;
  let keys: string[];
  beforeAll(async () => {
    await initBackend('cpu');
    const ref = await loadModelRef('zoo-supervised-r10n');
    backbone = await loadAnyBackbone(ref.card, ref.read);
    dataDir = mkdtempSync(join(tmpdir(), 'tlab-pixel-pool-'));
    keys = [];
    for (let i = 0; i < 11; i++) {
      const dir = join(dataDir, i % 2 ? 'odd' : 'even');
      mkdirSync(dir, { recursive: true });
      const name = i % 3 ? `${i}.jpg` : `${i}.png`;
      writeFileSync(
        join(dir, name),
        i % 3 ? jpegBytes(64 + i * 9, 48 + i * 5, i) : pngBytes(40 + i, 90 - i, i),
      );
      keys.push(`${i % 2 ? 'odd' : 'even'}/${name}`);
    }
    writeFileSync(join(dataDir, 'even', 'broken.jpg'), new Uint8Array([0xff, 0xd8, 0xff, 0, 1]));
    keys.splice(4, 0, 'even/broken.jpg');
  });
  afterAll(() => backbone.dispose());

  it('gives identical features, keys and issues (batches of 4, with prefetch)', async () => {
    const options = (): ExtractOptions => ({
      source: nodeFolderSource(dataDir),
      keys,
      backbone,
      rule: backbone.card.preprocessing.linear,
      decode: decodeImageNode,
      cacheNamespace: 'test',
      batchSize: 4,
      stage: 'features',
    });
    const inThread = await extractFeatures(options());
    const pool = createNodePixelPool(1);
    const pooled = await extractFeatures({ ...options(), pixels: pool }).finally(() => pool.close());
    expect(inThread.usedKeys).toEqual(keys.filter((k) => k !== 'even/broken.jpg'));
    expect(pooled.usedKeys).toEqual(inThread.usedKeys);
    expect(pooled.issues).toEqual(inThread.issues);
    expect(inThread.issues.map((i) => [i.key, i.action])).toEqual([['even/broken.jpg', 'skipped']]);
    expect(sameFloats(pooled.features, inThread.features)).toBe(true);
    expect(inThread.features.length).toBe(11 * backbone.card.featureSize);
  });

  it('decodes each image once for two rules: one request per image, the pixels of two in-thread passes', async () => {
    const pool = createNodePixelPool(1);
    const counted = countingSource(pool);
    const { linear, fewshot } = backbone.card.preprocessing;
    const views = [
      { rule: linear, keys, cacheNamespace: 'linear' },
      { rule: fewshot, keys: [...keys].reverse(), cacheNamespace: 'fewshot' },
    ];
    const common = {
      source: nodeFolderSource(dataDir),
      backbone,
      decode: decodeImageNode,
      batchSize: 4,
      stage: 'features',
    };
    const pooled = await extractFeatureSets({ ...common, views, pixels: counted }).finally(() =>
      pool.close(),
    );
    expect(counted.requests).toBe(keys.length);
    for (const [v, view] of views.entries()) {
      const inThread = await extractFeatures({ ...common, ...view });
      expect(pooled.sets[v].usedKeys).toEqual(inThread.usedKeys);
      expect(sameFloats(pooled.sets[v].features, inThread.features)).toBe(true);
    }
    expect(pooled.issues.map((i) => i.key)).toEqual(['even/broken.jpg']);
  });

  it('with a crop memo, a second model asks the pool for nothing and gets the same pixels', async () => {
    const pool = createNodePixelPool(1);
    const counted = countingSource(pool);
    const memo = createPixelMemo(2 ** 26);
    const run = () =>
      extractFeatureSets({
        source: nodeFolderSource(dataDir),
        views: [{ rule: backbone.card.preprocessing.fewshot, keys, cacheNamespace: 'fewshot' }],
        backbone,
        decode: decodeImageNode,
        pixels: counted,
        memo,
        batchSize: 4,
        stage: 'features',
      });
    const first = await run();
    expect(counted.requests).toBe(keys.length);
    const second = await run().finally(() => pool.close());
    expect(counted.requests).toBe(keys.length + 1); // only the broken file, which is never kept, is asked again
    expect(second.sets[0].usedKeys).toEqual(first.sets[0].usedKeys);
    expect(sameFloats(second.sets[0].features, first.sets[0].features)).toBe(true);
  });

  it('stops (does not skip every file) when the pool is broken', async () => {
    const pool = createNodePixelPool(1);
    await pool.close();
    const run = extractFeatures({
      source: nodeFolderSource(dataDir),
      keys,
      backbone,
      rule: backbone.card.preprocessing.linear,
      decode: decodeImageNode,
      cacheNamespace: 'test',
      batchSize: 4,
      stage: 'features',
      pixels: pool,
    });
    await expect(run).rejects.toThrow('closed');
  });
});
