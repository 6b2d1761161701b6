import { describe, expect, it } from 'vitest';
import { inversionCost, REFERENCE } from './inversion-cost.ts';

describe('inversionCost', () => {
  it('uses the rate measured here when there is one', () => {
    expect(
      inversionCost({ steps: 1000, inputSize: 32, backend: 'webgpu', measuredSecondsPerStep: 0.05 }),
    ).toEqual({
      seconds: 50,
      basis: 'measured-here',
    });
  });

  it('scales the CPU reference by the pixel count: the paper default on a 32-px zoo model is ~13 minutes', () => {
    const zoo = inversionCost({ steps: 3000, inputSize: 32, backend: 'wasm' });
    expect(zoo.basis).toBe('reference-cpu');
    expect(zoo.seconds).toBeCloseTo(3000 * REFERENCE.secondsPerStep, 9);
    expect(zoo.seconds! / 60).toBeCloseTo(13, 0);
    const big = inversionCost({ steps: 3000, inputSize: 64, backend: 'cpu' });
    expect(big.seconds).toBeCloseTo(4 * zoo.seconds!, 9);
  });

  it('says unknown on GPU backends until an inversion has run there', () => {
    expect(inversionCost({ steps: 3000, inputSize: 224, backend: 'webgpu' })).toEqual({
      seconds: null,
      basis: 'unknown',
    });
    expect(inversionCost({ steps: 10, inputSize: 32, backend: null, measuredSecondsPerStep: 0 }).basis).toBe(
      'unknown',
    );
  });
});
