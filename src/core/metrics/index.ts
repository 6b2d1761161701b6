// The metrics of the lab, pure float64 code (no tfjs), re-exported in one place.

export * from './calibration.ts';
export * from './classification.ts';
export * from './correlation.ts';
export * from './softmax-cross-entropy.ts';
export * from './voc.ts';
