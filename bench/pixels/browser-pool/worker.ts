// Engine-like Worker: prepares the same images in-thread and through the nested pixel pool, compares the
// floats bit for bit, and times both (images/s over `rounds` passes).

import type { ResizeRule } from '../../../src/core/types.ts';
import { DecodeError, preprocessBytesBrowser } from '../../../src/platform/browser/decode.ts';
import { createBrowserPixelPool } from '../../../src/platform/browser/pixel-pool.ts';
import type { PoolReport } from './main.ts';

const LINEAR: ResizeRule = { mode: 'shorter-side', resize: 224, crop: 224, interpolation: 'bicubic' };

function sameFloats(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

async function check(files: Uint8Array[], rounds: number): Promise<PoolReport> {
  const pool = createBrowserPixelPool();
  try {
    const want: Float32Array[] = [];
    for (const [i, f] of files.entries())
      want.push(await preprocessBytesBrowser(f.slice(), `img${i}`, LINEAR));
    const got = await Promise.all(files.map((f, i) => pool.pixels(f.slice(), `img${i}`, LINEAR)));
    const mismatches = got.flatMap((g, i) => (sameFloats(g, want[i]) ? [] : [`img${i}`]));
    const broken = await pool.pixels(new Uint8Array([0xff, 0xd8, 0xff, 0, 1]), 'x/broken.jpg', LINEAR).then(
      () => 'no error',
      (e: unknown) => (e instanceof DecodeError ? `DecodeError: ${e.message}` : `other: ${String(e)}`),
    );
    let start = performance.now();
    for (let r = 0; r < rounds; r++)
      for (const f of files) await preprocessBytesBrowser(f.slice(), 'k', LINEAR);
    const inThreadPerS = (rounds * files.length * 1000) / (performance.now() - start);
    start = performance.now();
    for (let r = 0; r < rounds; r++) await Promise.all(files.map((f) => pool.pixels(f.slice(), 'k', LINEAR)));
    const poolPerS = (rounds * files.length * 1000) / (performance.now() - start);
    return {
      poolSize: pool.size,
      images: files.length,
      identical: mismatches.length === 0,
      mismatches,
      brokenIssue: broken,
      inThreadPerS,
      poolPerS,
    };
  } finally {
    await pool.close();
  }
}

self.onmessage = async (e: MessageEvent<{ files: Uint8Array[]; rounds: number }>) => {
  const report = await check(e.data.files, e.data.rounds).catch(
    (err: unknown): PoolReport => ({
      poolSize: 0,
      images: 0,
      identical: false,
      mismatches: [],
      brokenIssue: '',
      inThreadPerS: 0,
      poolPerS: 0,
      error: String(err),
    }),
  );
  self.postMessage(report);
};
