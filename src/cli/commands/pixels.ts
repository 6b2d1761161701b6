// `tlab pixels`: the exact model input for one image (after decode, resize, crop; before mean/std), as NPY,
// so it can be compared with PIL + torchvision (scripts/fixtures/pixel_corpus.py does the same in Python).

import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeNpy } from '../../core/npy.ts';
import { preprocess } from '../../core/pixels/preprocess.ts';
import type { ModelCard, ResizeRule } from '../../core/types.ts';
import { protocolPreprocessing } from '../../engine/model-format/card.ts';
import { decodeImageNode } from '../../platform/node/decode.ts';
import { type CliCommand, UsageError } from '../command.ts';
import { MODELS_DIR, modelFolder } from '../models-on-disk.ts';

const USAGE = `Usage: npx tlab pixels <image> --model <id|folder> [--rule linear|fewshot] --out x.npy

  <image>          a PNG or JPEG file
  --model <m>      a model id (models/<id>/card.json, or an entry of models/catalog.json) or a model folder;
                   only its preprocessing is used (catalog entries without a card: the protocol's 224 rules)
  --rule <r>       linear (default: shorter side -> 224 bicubic, centre crop) or fewshot (squash 257 bilinear, crop)
  --out <file>     NPY float32, shape (crop, crop, 3), HWC in [0, 1], before mean/std normalisation`;

/** The model's preprocessing, and where it came from (printed, so the user knows which rule was used). */
export async function preprocessingFor(model: string, modelsDir = MODELS_DIR) {
  try {
    const dir = modelFolder(model, modelsDir);
    const card = JSON.parse(await readFile(join(dir, 'card.json'), 'utf8')) as ModelCard;
    return { preprocessing: card.preprocessing, from: join(dir, 'card.json') };
  } catch (err) {
    const catalogPath = join(modelsDir, 'catalog.json');
    if (!existsSync(catalogPath)) throw err;
    const catalog = JSON.parse(await readFile(catalogPath, 'utf8')) as { models?: { id: string }[] };
    if (!catalog.models?.some((m) => m.id === model)) throw err;
    return {
      preprocessing: protocolPreprocessing(224),
      from: `${catalogPath} (no card yet: protocol defaults)`,
    };
  }
}

const describeRule = (r: ResizeRule) =>
  `${r.mode === 'squash' ? `squash to ${r.resize}×${r.resize}` : `shorter side to ${r.resize}`} (${r.interpolation}), centre crop ${r.crop}`;

export const pixelsCommand: CliCommand = {
  name: 'pixels',
  summary: 'write the exact preprocessed input of one image (HWC float32 in [0,1]) as NPY',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        model: { type: 'string' },
        rule: { type: 'string', default: 'linear' },
        out: { type: 'string' },
      },
    });
    if (positionals.length !== 1) throw new UsageError('give exactly one image');
    if (!values.model || !values.out) throw new UsageError('--model and --out are required');
    if (values.rule !== 'linear' && values.rule !== 'fewshot')
      throw new UsageError('--rule must be linear or fewshot');
    const { preprocessing, from } = await preprocessingFor(values.model);
    const rule = preprocessing[values.rule];
    const image = positionals[0];
    const img = await decodeImageNode(new Uint8Array(await readFile(image)), image);
    const input = preprocess(img, rule);
    await writeFile(values.out, writeNpy(input, [rule.crop, rule.crop, 3]));
    console.log(
      `${image} (${img.width}×${img.height}): ${describeRule(rule)} [from ${from}] -> ${values.out}`,
    );
    return 0;
  },
};
