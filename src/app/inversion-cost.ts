// What a feature inversion will cost before it starts. A step is one forward and backward pass of the
// Deep Image Prior generator and the backbone at the model's input size, so its time grows with the pixel
// count. The first estimate comes from a measurement; once an inversion has run here, its own rate is used.

/**
 * Seconds per Adam step measured on this project's 2-core test machine (wasm backend, 32-px zoo ResNet):
 * 3,000 steps took about 13 minutes (issue #17), i.e. 0.26 s per step.
 */
export const REFERENCE = { secondsPerStep: 0.26, inputSize: 32, backends: ['wasm', 'cpu'] } as const;

export interface CostEstimate {
  seconds: number | null;
  /** Where the number comes from, said beside it. */
  basis: 'measured-here' | 'reference-cpu' | 'unknown';
}

export function inversionCost(opts: {
  steps: number;
  inputSize: number;
  backend: string | null;
  /** Seconds per step of an inversion that ran here with this model and backend. */
  measuredSecondsPerStep?: number | null;
}): CostEstimate {
  const { steps, inputSize, backend, measuredSecondsPerStep } = opts;
  if (measuredSecondsPerStep && Number.isFinite(measuredSecondsPerStep) && measuredSecondsPerStep > 0) {
    return { seconds: steps * measuredSecondsPerStep, basis: 'measured-here' };
  }
  if (backend !== null && (REFERENCE.backends as readonly string[]).includes(backend)) {
    const scale = (inputSize / REFERENCE.inputSize) ** 2;
    return { seconds: steps * REFERENCE.secondsPerStep * scale, basis: 'reference-cpu' };
  }
  return { seconds: null, basis: 'unknown' };
}
