// A batch whose activations do not fit a route network's memory runs as two halves (recursively): every row's
// sums are the same in any batch, so the features are the same bits as one batch would give.

import type { PixelBatch } from '../../core/types.ts';

/** The first ⌈n/2⌉ images and the rest. */
export function halves(batch: PixelBatch): [PixelBatch, PixelBatch] {
  const k = Math.ceil(batch.n / 2);
  const per = batch.size * batch.size * 3;
  return [
    { data: batch.data.subarray(0, k * per), n: k, size: batch.size },
    { data: batch.data.subarray(k * per), n: batch.n - k, size: batch.size },
  ];
}

/** `run(batch)`, or on a RangeError (memory) the two halves' results concatenated, down to single images. */
export async function embedSplittingOnRangeError(
  batch: PixelBatch,
  run: (b: PixelBatch) => Promise<Float32Array>,
): Promise<Float32Array> {
  try {
    return await run(batch);
  } catch (e) {
    if (!(e instanceof RangeError) || batch.n < 2) throw e;
    const [a, b] = halves(batch);
    const first = await embedSplittingOnRangeError(a, run);
    const second = await embedSplittingOnRangeError(b, run);
    const out = new Float32Array(first.length + second.length);
    out.set(first);
    out.set(second, first.length);
    return out;
  }
}
