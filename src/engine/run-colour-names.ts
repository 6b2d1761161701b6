// Names of the colour probes' scores that the UI needs too (kept apart from run-colour.ts, which loads tfjs).

export { COLOUR_READOUT_PROBE, GREYSCALE_PROBE } from '../core/colour/scores.ts';

/** Probe name of the inversion score (metric 'mse': mean of the three channels' MSE, 0–255 scale). */
export const INVERSION_PROBE = 'inversion-mse';
