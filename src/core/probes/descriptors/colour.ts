// The colour probes (paper §4.8): ridge readout of colour statistics from features, the linear probe on
// greyscale test images, and (with inversion steps) a Deep Image Prior feature inversion of one image.

import { COLOUR_READOUT_PROBE, GREYSCALE_PROBE, INVERSION_PROBE } from '../../colour/scores.ts';
import { positiveInteger, SettingsError } from '../settings.ts';
import type { ProbeDescriptor } from '../types.ts';
import { trainTestVerdict } from './linear.ts';

const SCORE_LABELS: Record<string, string> = {
  [COLOUR_READOUT_PROBE]: 'colour readout',
  [GREYSCALE_PROBE]: 'linear on greyscale',
  [INVERSION_PROBE]: 'inversion MSE',
};

export const colourProbeDescriptor: ProbeDescriptor = {
  kind: 'colour',
  label: 'colour',
  description: 'Colour (ridge readout of mean R, G, B and histogram; linear probe on greyscale test images)',
  // Pixels for the colour targets and the greyscale images, the backbone for their features and inversion.
  needs: ['pooled-features', 'pixels', 'backbone'],
  featureRule: 'linear',
  defaults: {},
  validate: (s) => {
    const inv = s.inversion;
    if (!inv) return [];
    const problems: string[] = [];
    if (!(Number.isInteger(inv.steps) && inv.steps >= 0))
      problems.push('inversion steps must be an integer ≥ 0');
    if (inv.learningRate !== undefined && !(inv.learningRate > 0))
      problems.push('inversion learning rate must be positive');
    return problems;
  },
  flags: [
    {
      name: 'invert-steps',
      help: 'with colour: also invert the first test image through layer4 (Deep Image Prior, Adam) for n steps and report its per-channel MSE (the paper: 3000; default 0 = off)',
      apply: (s, v) => {
        const steps = v === '0' ? 0 : positiveInteger(v, '--invert-steps');
        return steps === 0 ? s : { ...s, inversion: { learningRate: 1e-3, ...s.inversion, steps } };
      },
    },
    {
      name: 'invert-lr',
      help: 'Adam learning rate of the inversion (default 1e-3)',
      apply: (s, v) => {
        const learningRate = Number(v);
        if (!(learningRate > 0)) throw new SettingsError('--invert-lr must be a positive number');
        return s.inversion ? { ...s, inversion: { ...s.inversion, learningRate } } : s;
      },
    },
    {
      name: 'invert-image',
      help: 'the dataset item to invert (default: the first test image)',
      apply: (s, v) => (s.inversion ? { ...s, inversion: { ...s.inversion, imageKey: v } } : s),
    },
  ],
  metrics: ['r2', 'top1', 'mean-per-class', 'mse'],
  scoreLabel: (name) => SCORE_LABELS[name] ?? null,
  scoreNames: (s) => [
    COLOUR_READOUT_PROBE,
    GREYSCALE_PROBE,
    ...((s.inversion?.steps ?? 0) > 0 ? [INVERSION_PROBE] : []),
  ],
  preconditions: (facts, s) => trainTestVerdict(facts, s, colourProbeDescriptor.scoreNames(s)),
};
