// The run function of every probe in the registry (src/core/probes/registry.ts), by kind. A new probe adds
// its runner file and one line here; the Record type makes a missing one a compile error.

import type { ProbeKind } from '../../../core/probes/types.ts';
import { colourRunner } from './colour.ts';
import type { ProbeRunner } from './context.ts';
import { diffusionRunner } from './diffusion.ts';
import { fewShotRunner } from './fewshot.ts';
import { knnRunner } from './knn.ts';
import { linearRunner } from './linear.ts';

export const RUNNERS: Record<ProbeKind, ProbeRunner> = {
  linear: linearRunner,
  fewshot: fewShotRunner,
  colour: colourRunner,
  knn: knnRunner,
  diffusion: diffusionRunner,
};
