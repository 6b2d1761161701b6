// Attentive diffusion (paper §4.9) as a probe of the registry: per model, the % of each occlusion-saliency map
// above its mean, averaged over a seeded sample of images (src/core/diffusion/ has the method). It needs
// pixels and the loaded backbone, not the pooled feature table, and no labels: one image is enough.

import {
  DEFAULT_DIFFUSION_SETTINGS,
  type DiffusionSettings,
  validateDiffusionSettings,
} from '../../diffusion/settings.ts';
import { type EvalSettings, positiveInteger, SettingsError } from '../settings.ts';
import type { ProbeDescriptor } from '../types.ts';

export const DIFFUSION_PROBE = 'diffusion';

/** The run's diffusion settings; the sample's seed is the run's seed, so one seed reproduces everything. */
export function diffusionRequest(s: EvalSettings): DiffusionSettings {
  return { ...DEFAULT_DIFFUSION_SETTINGS, ...s.diffusion, seed: s.seed };
}

function problems(s: EvalSettings): string[] {
  try {
    validateDiffusionSettings(diffusionRequest(s));
    return [];
  } catch (e) {
    return [`attentive diffusion: ${(e as Error).message}`];
  }
}

const withDiffusion = (s: EvalSettings, part: Partial<DiffusionSettings>): EvalSettings => ({
  ...s,
  diffusion: { ...DEFAULT_DIFFUSION_SETTINGS, ...s.diffusion, ...part },
});

export const diffusionProbeDescriptor: ProbeDescriptor = {
  kind: 'diffusion',
  label: 'Attentive diffusion',
  description:
    'Attentive diffusion (10×10 occluder slid over sampled images; % of each saliency map above its mean)',
  needs: ['pixels', 'backbone'],
  defaults: {},
  validate: problems,
  flags: [
    {
      name: 'stride',
      help: `attentive diffusion: occluder step in pixels (default ${DEFAULT_DIFFUSION_SETTINGS.stride}; the paper's 1 costs about 54,000 forward passes per 224-px image)`,
      apply: (s, v) => withDiffusion(s, { stride: positiveInteger(v, '--stride') }),
    },
    {
      name: 'diffusion-images',
      help: `attentive diffusion: images sampled per model, seeded (default ${DEFAULT_DIFFUSION_SETTINGS.images})`,
      apply: (s, v) => withDiffusion(s, { images: positiveInteger(v, '--diffusion-images') }),
    },
    {
      name: 'fill',
      help: 'attentive diffusion occluder: normalised-zero (default: 0 after normalisation) or black',
      apply: (s, v) => {
        if (v !== 'normalised-zero' && v !== 'black')
          throw new SettingsError(`--fill must be normalised-zero or black, not '${v}'`);
        return withDiffusion(s, { fill: v });
      },
    },
  ],
  metrics: ['diffusion'],
  scoreLabel: (name) => (name === DIFFUSION_PROBE ? 'attentive diffusion' : null),
  scoreNames: () => [DIFFUSION_PROBE],
  preconditions: (facts) =>
    facts.pool.length > 0
      ? { runs: true, notComputed: [] }
      : {
          runs: false,
          notComputed: [{ probe: DIFFUSION_PROBE, reason: 'the dataset has no usable images' }],
        },
  scoreNote: (score) => {
    const stride = score.extra?.stride;
    return stride === undefined ? null : `stride ${stride}${stride === 1 ? ', the paper' : ''}`;
  },
};
