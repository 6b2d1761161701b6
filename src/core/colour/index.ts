// Colour-preservation probes on frozen features (pure): targets, greyscale, ridge readout, reliance.

export * from './readout.ts';
export * from './reliance.ts';
export * from './ridge.ts';
export * from './scores.ts';
export * from './similarity.ts';
export * from './targets.ts';
