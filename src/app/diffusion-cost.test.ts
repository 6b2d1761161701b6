import { describe, expect, it } from 'vitest';
import { DEFAULT_DIFFUSION_SETTINGS } from '../core/diffusion/settings.ts';
import { diffusionCost, REFERENCE } from './diffusion-cost.ts';

describe('diffusionCost', () => {
  const settings = { ...DEFAULT_DIFFUSION_SETTINGS, images: 20 };

  it('counts one pass per occluder position per image per model, plus the unoccluded one', () => {
    // 32-px crop, 10-px occluder: 50-px side, origins 0, 2, …, 40 → 21 × 21 positions at stride 2.
    const cost = diffusionCost({ crops: [32, 32, 32, 32], settings, backend: 'wasm' });
    expect(cost.passes).toBe(4 * 20 * (21 * 21 + 1));
    expect(cost.basis).toBe('reference-cpu');
    expect(cost.seconds).toBeCloseTo(cost.passes / REFERENCE.passesPerSecond, 9);
  });

  it("the paper's stride 1 at 224 px is about 54,000 passes per image, with no time but a measured one", () => {
    const paper = diffusionCost({
      crops: [224],
      settings: { ...settings, stride: 1, images: 1 },
      backend: 'wasm',
    });
    expect(paper.passes).toBe(233 * 233 + 1);
    expect(paper.seconds).toBeNull();
    const measured = diffusionCost({
      crops: [224],
      settings: { ...settings, stride: 1, images: 1 },
      backend: 'wasm',
      measuredPassesPerSecond: 100,
    });
    expect(measured.basis).toBe('measured-here');
    expect(measured.seconds).toBeCloseTo((paper.passes * 49) / 100, 6);
  });

  it('says nothing about time on a GPU backend before a run', () => {
    expect(diffusionCost({ crops: [32], settings, backend: 'webgpu' }).seconds).toBeNull();
  });
});
