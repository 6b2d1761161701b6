import { describe, expect, it } from 'vitest';
import { CONV_TILE_ROWS } from '../gemm/conv-kernel.ts';
import { GemmEngine } from '../gemm/gemm.ts';
import { convKernelFor } from './conv-tile.ts';

describe("the CPU route's tile height", () => {
  it('is the one the engine was given (tests pin it), else measured on the conv kernel itself, once per engine', async () => {
    const given = await GemmEngine.create({ threads: 1, tileRows: 6 });
    const measured = await GemmEngine.create({ threads: 1 });
    if (!given || !measured) throw new Error('WebAssembly SIMD is missing from this Node');
    try {
      expect((await convKernelFor(given)).mr).toBe(6);
      const first = convKernelFor(measured);
      expect(convKernelFor(measured)).toBe(first); // timed once, then shared by every network of the engine
      const { mr, module } = await first;
      expect(CONV_TILE_ROWS).toContain(mr);
      expect(WebAssembly.Module.exports(module).map((e) => e.name)).toContain('igemm_relu');
    } finally {
      given.dispose();
      measured.dispose();
    }
  });
});
