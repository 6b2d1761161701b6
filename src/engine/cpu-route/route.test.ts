// Which route a forward pass takes, and the thread count the CLI sizes its decode pool by.

import { afterEach, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.ts';
import { gemmEngine } from '../gemm/shared-engine.ts';
import { forwardThreads, setBackboneRoute, wantsCpuRoute } from './route.ts';

describe('backbone route', () => {
  afterEach(() => setBackboneRoute('auto'));

  it("'auto' takes the CPU route on the cpu and wasm backends; 'tfjs' never does", async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend(backend);
      expect(wantsCpuRoute()).toBe(true);
      setBackboneRoute('tfjs');
      expect(wantsCpuRoute()).toBe(false);
      setBackboneRoute('auto');
    }
  });

  it("counts the GEMM's threads for lab models, the backend's when a tfjs graph model is in the run", async () => {
    await initBackend('wasm');
    const gemm = await gemmEngine();
    expect(gemm).not.toBeNull();
    expect(await forwardThreads(1, ['lab-resnet', 'lab-vit'])).toBe(gemm?.threads);
    expect(await forwardThreads(1, ['lab-resnet', 'graph-model'])).toBe(1);
    setBackboneRoute('tfjs');
    expect(await forwardThreads(1, ['lab-resnet'])).toBe(1);
  });
});
