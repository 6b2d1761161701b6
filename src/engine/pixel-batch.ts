// The pixel batch every backbone takes: NHWC RGB [0,1] floats, checked before either route reads it.

import type { PixelBatch } from '../core/types.ts';

export function checkPixels(batch: PixelBatch): void {
  const expected = batch.n * batch.size * batch.size * 3;
  if (batch.data.length !== expected) {
    throw new Error(
      `pixel batch has ${batch.data.length} values, expected ${batch.n}×${batch.size}×${batch.size}×3`,
    );
  }
}
