// The attentive-diffusion probe's runner: a seeded sample of the dataset's images (the same sample as
// `tlab diffusion` and the browser's diffusion panel for the same seed), occluded and passed through the
// model the pipeline already loaded. The score is the mean % of map values above the map's mean (a fraction
// here, shown as %) with its 95% interval; the record keeps each image's value and the setting, not the maps
// (a 224-px map is 50,176 numbers per image: the maps belong to the diffusion view, not to a shared link).

import { sampleImageKeys } from '../../../core/diffusion/sample.ts';
import { DIFFUSION_PROBE, diffusionRequest } from '../../../core/probes/descriptors/diffusion.ts';
import type { DiffusionDetail, Score } from '../../../core/record/types.ts';
import type { PairedOutcome } from '../../../core/stats/compare.ts';
import { loadDiffusionImages } from '../../diffusion/images.ts';
import { runDiffusion } from '../../diffusion/run.ts';
import type { ProbeRunner } from './context.ts';

export const diffusionRunner: ProbeRunner = {
  async run(ctx) {
    const { listing, backbone } = ctx;
    const settings = diffusionRequest(ctx.settings);
    const keys = sampleImageKeys(
      listing.items.map((it) => it.key),
      settings.images,
      settings.seed,
    );
    const { images, issues } = await loadDiffusionImages(
      ctx.source,
      keys,
      ctx.decode,
      backbone.card,
      settings,
    );
    if (issues.length) ctx.onIssues(issues);
    if (images.length === 0) return { scores: [] };
    const result = await runDiffusion(backbone, images, settings, {
      cancel: ctx.cancel,
      onProgress: (p) => ctx.onProgress({ ...p, stage: 'attentive diffusion' }),
    });
    const s = result.settings;
    const score: Score = {
      model: backbone.card.id,
      dataset: listing.name,
      probe: DIFFUSION_PROBE,
      metric: 'diffusion',
      value: result.mean / 100,
      ...(result.ci95 === null ? {} : { ci95: result.ci95 / 100 }),
      extra: {
        stride: s.stride,
        occluder: s.occluder,
        images: images.length,
        paper: s.isPaperSetting ? 1 : 0,
      },
    };
    const detail: DiffusionDetail = {
      stride: s.stride,
      occluder: s.occluder,
      fill: s.fill,
      crop: s.crop,
      side: s.side,
      isPaperSetting: s.isPaperSetting,
      perImage: result.perImage.map((p) => ({ key: p.key, diffusion: p.diffusion })),
    };
    // Every model occludes the same seeded images, so models pair image by image: a paired t-test over the
    // images says which differences in diffusion are real (compareModels; the pairing is the image list, so
    // a model that could not decode one of them is not paired with the others).
    const paired: PairedOutcome[] = [
      {
        kind: 'episodes',
        model: backbone.card.id,
        dataset: listing.name,
        probe: DIFFUSION_PROBE,
        metric: 'diffusion',
        pairing: result.perImage.map((p) => p.key).join('\n'),
        accuracies: result.perImage.map((p) => p.diffusion / 100),
      },
    ];
    return { scores: [score], details: [{ kind: 'diffusion', value: detail }], paired };
  },
};
