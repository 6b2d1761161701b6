// Worker side: the app's own browser decoder (MozJPEG wasm + fast-png, no canvas) and resize code.

import { resizeAndCrop } from '../../../src/core/pixels/preprocess.ts';
import type { ResizeRule } from '../../../src/core/types.ts';
import { browserFeatureCache } from '../../../src/platform/browser/cache.ts';
import { decodeImageBrowser } from '../../../src/platform/browser/decode.ts';

/** Round trip through the browser feature cache (OPFS or IndexedDB); returns what came back. */
async function cacheCheck(prefer: 'opfs' | 'indexeddb') {
  const cache = browserFeatureCache({ prefer });
  await cache.clear();
  const a = Float32Array.from([1, 2, 3]);
  await cache.put('model|224|fp', [
    { key: 'train/犬/1.png', features: a },
    { key: 'b.png', features: a.map((v) => -v) },
  ]);
  await cache.put('model|224|fp', [{ key: 'b.png', features: Float32Array.from([9, 9, 9]) }]);
  const fresh = browserFeatureCache({ prefer });
  const got = await fresh.get('model|224|fp', ['train/犬/1.png', 'b.png', 'nope']);
  const size = await fresh.sizeBytes();
  await fresh.clear();
  const after = await fresh.sizeBytes();
  return { got: got.map((v) => (v ? Array.from(v) : null)), size, after };
}

type Request =
  | { id: number; bytes: Uint8Array; key: string; rules: ResizeRule[] }
  | { id: number; cache: 'opfs' | 'indexeddb' };

self.onmessage = async (e: MessageEvent<Request>) => {
  if ('cache' in e.data) {
    const { id, cache } = e.data;
    self.postMessage({ id, ok: true, cache: await cacheCheck(cache).catch((err) => String(err)) });
    return;
  }
  const { id, bytes, key, rules } = e.data;
  try {
    const start = performance.now();
    const img = await decodeImageBrowser(bytes, key);
    const decodeMs = performance.now() - start;
    const [linear, fewshot] = rules.map((r) => resizeAndCrop(img, r).data);
    self.postMessage({ id, ok: true, width: img.width, height: img.height, linear, fewshot, decodeMs });
  } catch (err) {
    self.postMessage({ id, ok: false, error: String(err) });
  }
};
