import { describe, expect, it } from 'vitest';
import { embedSplittingOnRangeError, halves } from './split-batch.ts';

/** One feature per image: its first pixel value; fails with a RangeError above `room` images. */
function runWithRoom(room: number, sizes: number[]) {
  return async (b: { data: Float32Array; n: number; size: number }) => {
    sizes.push(b.n);
    if (b.n > room) throw new RangeError('no room');
    const per = b.size * b.size * 3;
    return Float32Array.from({ length: b.n }, (_, i) => b.data[i * per]);
  };
}

describe('embedSplittingOnRangeError', () => {
  const batch = { data: Float32Array.from({ length: 7 * 12 }, (_, i) => Math.floor(i / 12)), n: 7, size: 2 };

  it('halves a batch that does not fit, down to what fits, and keeps image order', async () => {
    const sizes: number[] = [];
    const out = await embedSplittingOnRangeError(batch, runWithRoom(2, sizes));
    expect([...out]).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(sizes).toEqual([7, 4, 2, 2, 3, 2, 1]);
  });

  it('rethrows other errors, and a RangeError of a single image', async () => {
    await expect(embedSplittingOnRangeError(batch, runWithRoom(0, []))).rejects.toThrow(RangeError);
    const broken = async () => {
      throw new Error('decode failed');
    };
    await expect(embedSplittingOnRangeError(batch, broken)).rejects.toThrow('decode failed');
  });

  it('cuts at ⌈n/2⌉', () => {
    const [a, b] = halves(batch);
    expect([a.n, b.n]).toEqual([4, 3]);
    expect(a.data.length + b.data.length).toBe(batch.data.length);
  });
});
