// `tlab diffusion`: attentive diffusion (paper §4.9) of one or more models on a seeded sample of a dataset's
// images: per image the occlusion saliency map and the % of it above its mean, per model the mean with a
// 95% interval, and the setting that produced them (the stride is not the paper's unless asked).

import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  DEFAULT_DIFFUSION_SETTINGS,
  type DiffusionSettings,
  DiffusionSettingsError,
  describeSetting,
  diffusionResultToJson,
  formatDiffusion,
  sampleImageKeys,
  validateDiffusionSettings,
} from '../../core/diffusion/index.ts';
import { formatDuration } from '../../core/progress.ts';
import type { InputIssue } from '../../core/types.ts';
import { loadAnyBackbone } from '../../engine/backbones.ts';
import { initBackend } from '../../engine/backend.ts';
import { loadDiffusionImages } from '../../engine/diffusion/images.ts';
import { runDiffusion } from '../../engine/diffusion/run.ts';
import { decodeImageNode } from '../../platform/node/decode.ts';
import { type CliCommand, UsageError } from '../command.ts';
import { nodeDatasetSource } from '../dataset-arg.ts';
import { loadModelRef } from '../models-on-disk.ts';

const D = DEFAULT_DIFFUSION_SETTINGS;
const USAGE = `Usage: npx tlab diffusion --model <id[,id…]> --data <folder|a.tar,b.tar> --out r.json [options]

  --model <m>      model ids from models/ or model folders, comma-separated
  --data <path>    ImageFolder dataset or comma-separated tar shards (images of every split are sampled)
  --out <file>     JSON: per model the mean diffusion (%) with its 95% interval, the setting, and per image
                   the saliency map (crop×crop, row-major) and its diffusion value
  --images <n>     images sampled per model, seeded (default ${D.images})
  --seed <n>       sampling seed (default ${D.seed})
  --stride <s>     occluder step in pixels (default ${D.stride}; the paper's is 1: about 54,000 forward passes
                   per 224-pixel image, hours per model on a CPU)
  --occluder <n>   occluder side in pixels (default and paper: ${D.occluder})
  --fill <f>       normalised-zero (default: value 0 after the model's normalisation, as the paper's tensors)
                   or black (value 0 before it)
  --batch <n>      occluded copies per forward batch (default ${D.batchSize})
  --backend <b>    wasm (default) or cpu`;

export const diffusionCommand: CliCommand = {
  name: 'diffusion',
  summary: 'attentive diffusion (occlusion saliency maps, % above their mean) of models on sampled images',
  usage: USAGE,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        model: { type: 'string' },
        data: { type: 'string' },
        out: { type: 'string' },
        images: { type: 'string', default: String(D.images) },
        seed: { type: 'string', default: String(D.seed) },
        stride: { type: 'string', default: String(D.stride) },
        occluder: { type: 'string', default: String(D.occluder) },
        fill: { type: 'string', default: D.fill },
        batch: { type: 'string', default: String(D.batchSize) },
        backend: { type: 'string', default: 'wasm' },
      },
    });
    if (!values.model || !values.data || !values.out)
      throw new UsageError('--model, --data and --out are required');
    if (values.backend !== 'wasm' && values.backend !== 'cpu')
      throw new UsageError('--backend must be wasm or cpu');
    const settings = parseSettings(values as Record<keyof typeof values, string>);
    await initBackend(values.backend);
    const source = nodeDatasetSource(values.data);
    const listing = await source.list();
    if (listing.items.length === 0) throw new Error(`${values.data}: no images to sample`);
    const keys = sampleImageKeys(
      listing.items.map((it) => it.key),
      settings.images,
      settings.seed,
    );
    const models = [];
    const issues: InputIssue[] = [...listing.issues];
    for (const id of values.model.split(',').filter(Boolean)) {
      const { summary, skipped } = await diffusionOfModel(id, source, keys, settings);
      models.push(summary);
      issues.push(...skipped);
    }
    const out = {
      tool: 'tlab diffusion',
      dataset: listing.name,
      fingerprint: listing.fingerprint,
      sampledKeys: keys,
      models,
      issues,
    };
    await writeFile(values.out, `${JSON.stringify(out)}\n`);
    for (const i of issues) console.error(`${i.action}: ${i.key}: ${i.reason}`);
    console.log(`wrote ${values.out}`);
    return 0;
  },
};

function parseSettings(v: Record<string, string>): DiffusionSettings {
  const int = (name: string, text: string) => {
    const n = Number(text);
    if (!Number.isInteger(n)) throw new UsageError(`--${name} must be an integer, not '${text}'`);
    return n;
  };
  const s: DiffusionSettings = {
    images: int('images', v.images),
    seed: int('seed', v.seed),
    stride: int('stride', v.stride),
    occluder: int('occluder', v.occluder),
    fill: v.fill as DiffusionSettings['fill'],
    batchSize: int('batch', v.batch),
  };
  try {
    validateDiffusionSettings(s);
  } catch (err) {
    if (err instanceof DiffusionSettingsError) throw new UsageError(err.message);
    throw err;
  }
  return s;
}

async function diffusionOfModel(
  id: string,
  source: ReturnType<typeof nodeDatasetSource>,
  keys: string[],
  settings: DiffusionSettings,
) {
  const ref = await loadModelRef(id);
  const { images, issues } = await loadDiffusionImages(source, keys, decodeImageNode, ref.card, settings);
  if (images.length === 0) throw new Error(`${id}: none of the ${keys.length} sampled images decoded`);
  const backbone = await loadAnyBackbone(ref.card, ref.read);
  try {
    const started = Date.now();
    const result = await runDiffusion(backbone, images, settings, {
      onProgress: (p) =>
        process.stderr.write(
          `\r${ref.card.id}: ${p.done}/${p.total} forward passes, ETA ${formatDuration(p.etaSeconds)}   `,
        ),
    });
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write('\n');
    console.log(
      `${ref.card.id}: attentive diffusion ${formatDiffusion(result)} over ${images.length} images (${seconds.toFixed(1)} s)`,
    );
    console.log(`  ${describeSetting(result.settings)}`);
    const summary = {
      id: ref.card.id,
      name: ref.card.name,
      weightsHash: ref.card.weightsHash,
      ...diffusionResultToJson(result),
    };
    return { summary, skipped: issues };
  } finally {
    backbone.dispose();
  }
}
