// Test-only: the two GEMM engines the CPU route's tests compare bit for bit. Results must not depend on the
// tile height or the thread count, so one engine has 4-row tiles on 1 thread, the other 6-row tiles on 3.

import { GemmEngine } from '../gemm/gemm.ts';

export async function twoTestEngines(): Promise<[GemmEngine, GemmEngine]> {
  const [one, three] = await Promise.all([
    GemmEngine.create({ threads: 1, tileRows: 4 }),
    GemmEngine.create({ threads: 3, tileRows: 6 }),
  ]);
  if (!one || !three) throw new Error('WebAssembly SIMD is missing from this Node');
  return [one, three];
}
