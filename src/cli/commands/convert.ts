// `tlab convert`: a PyTorch checkpoint (.pth/.pth.tar/.safetensors) → models/<id>/ in the lab's format.

import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ConvertReport } from '../../convert/checkpoint.ts';
import { CheckpointError } from '../../convert/errors.ts';
import type { InferredFamily } from '../../convert/infer-family.ts';
import { LayoutNotFoundError, overrideFlags } from '../../convert/layout-search.ts';
import { printable } from '../../core/text/printable.ts';
import type { ModelCard } from '../../core/types.ts';
import {
  type ConvertOptions,
  type ConvertResult,
  convertCheckpoint,
  type Normalisation,
} from '../../engine/model-format/convert-checkpoint.ts';
import { VIT_FEATURES, type VitFeature } from '../../engine/vit/build.ts';
import { type CliCommand, UsageError } from '../command.ts';
import { checkOutputFolder, writeFolderAtomic } from '../output.ts';

const USAGE = `Usage: npx tlab convert <checkpoint> [options]

  --arch <a>         resnet18|resnet34|resnet50|resnet101|resnet152|wide_resnet50_2, or a ViT:
                     vit_s_16|vit_b_16|vit_l_16|vit_s_14|vit_b_14|vit_l_14|vit_h_14|... (checked against the
                     weights), or a free label for a custom-width ResNet of the same layout
  --profile <p>      key layout: auto (default: searches every nested container and key prefix for a ResNet
                     or ViT backbone and reports what it chose) or a named profile (moco, pycontrast, swav,
                     simclr-v2, byol, torchvision, ...; ViTs: vit-timm (dino, dinov2, mae, deit),
                     vit-torchvision, vit-clip (clip))
  --container <path> only this container, e.g. state_dict, teacher, classy_state_dict/base_model/model/trunk,
                     '(top)' for the top level
  --prefix <p>       only this key prefix, e.g. module.backbone. ('' for none)
  --feature <f>      ViTs: cls (default: class token after the final norm) | patch-mean | proj (CLIP)
  --preprocessing <p> ViTs: protocol (default: the paper's, same for every backbone) | family (the family's
                     own resize, crop and mean/std, e.g. CLIP's)
  --float16          store weights as float16 (half the size; features within ~1e-3 relative)
  --id <id>          model id (default: the file name without extension)
  --out <dir>        output folder (default: models/<id>); an existing one is kept unless --force
  --force            replace an existing model folder
  --name <text>      display name            --family <f>     pre-training family (default: inferred
                     from the file name, then from the layout)
  --mean <m>         imagenet (default) | none (plain [0,1] RGB, SimCLR) | r,g,b (then --std r,g,b)
  --std <s>          per-channel std when --mean is numeric
  --input-size <n>   input resolution the model expects (default 224)
  --licence <text>   licence of the weights  --source <text>  where the checkpoint came from
  --top1 <x>         ImageNet top-1 (%) as reported by the authors
  --card <file>      JSON object of extra card fields laid over the generated card.json`;

function triple(text: string, flag: string): [number, number, number] {
  const xs = text.split(',').map(Number);
  if (xs.length !== 3 || xs.some((x) => !Number.isFinite(x)))
    throw new UsageError(`${flag} needs three numbers r,g,b`);
  return xs as [number, number, number];
}

export function parseNormalisation(mean: string | undefined, std: string | undefined): Normalisation {
  if (mean === undefined || mean === 'imagenet') return 'imagenet';
  if (mean === 'none') return 'none';
  if (!std) throw new UsageError('--mean r,g,b needs --std r,g,b');
  const s = triple(std, '--std');
  if (s.some((x) => x <= 0)) throw new UsageError('--std values must be positive');
  return { mean: triple(mean, '--mean'), std: s };
}

function idFromPath(path: string): string {
  return basename(path).replace(/(\.pth\.tar|\.pth|\.pt|\.tar|\.safetensors|\.ckpt|\.pkl)$/i, '');
}

function alternativeLines(report: ConvertReport): string[] {
  return report.alternatives.map(
    (a) =>
      `also found: ${a.architecture} in ${a.container} › ${a.prefix || '(no prefix)'} (${a.parameters} parameters); ` +
      `choose it with ${overrideFlags(a.container === '(top)' ? '' : a.container, a.prefix)}`,
  );
}

export function formatReport(report: ConvertReport, family?: InferredFamily): string {
  const dropped = report.dropped.length
    ? `${report.dropped.length} (${report.dropped.slice(0, 6).join(', ')}${report.dropped.length > 6 ? ', …' : ''})`
    : 'none';
  return [
    `found: ${report.architecture} (${report.kind}, ${report.naming} names) in container ${report.container}, ` +
      `prefix '${report.prefix}'${report.profile === 'auto' ? '' : `, profile: ${report.profile}`}`,
    `format: ${report.format}, tensors: ${report.tensors}, renamed: ${report.renamed}`,
    `dropped: ${dropped}${report.outside ? `; ${report.outside} tensors outside the container ignored` : ''}`,
    `missing: ${report.missing.length ? report.missing.join(', ') : 'none'}`,
    ...(family ? [`family: ${family.family} (${family.from})`] : []),
    ...alternativeLines(report),
  ].join('\n');
}

/** Writes the converted files into `dir` under a temporary name, renamed into place once whole. */
export async function writeModelFolder(dir: string, result: ConvertResult, force = false): Promise<void> {
  await writeFolderAtomic(dir, result.files, { force });
}

async function readCardOverrides(path: string | undefined): Promise<Partial<ModelCard> | undefined> {
  if (!path) return undefined;
  const x = JSON.parse(await readFile(path, 'utf8')) as unknown;
  if (typeof x !== 'object' || x === null || Array.isArray(x))
    throw new UsageError(`--card ${path}: not a JSON object`);
  return x as Partial<ModelCard>;
}

function parseTop1(text: string | undefined): number | null {
  if (text === undefined) return null;
  const x = Number(text);
  if (!Number.isFinite(x) || x < 0 || x > 100) throw new UsageError('--top1 must be a percentage');
  return x;
}

function parseFeature(text: string | undefined): VitFeature | undefined {
  if (text === undefined) return undefined;
  if (!VIT_FEATURES.includes(text as VitFeature))
    throw new UsageError(`--feature must be one of ${VIT_FEATURES.join(', ')}`);
  return text as VitFeature;
}

function parsePreprocessing(text: string | undefined): 'protocol' | 'family' | undefined {
  if (text === undefined || text === 'protocol' || text === 'family') return text;
  throw new UsageError('--preprocessing must be protocol or family');
}

export const convertCommand: CliCommand = {
  name: 'convert',
  summary: 'convert a PyTorch ResNet or ViT checkpoint (found in any container/prefix) into models/<id>/',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        arch: { type: 'string' },
        profile: { type: 'string', default: 'auto' },
        container: { type: 'string' },
        prefix: { type: 'string' },
        float16: { type: 'boolean', default: false },
        id: { type: 'string' },
        out: { type: 'string' },
        name: { type: 'string' },
        family: { type: 'string' },
        mean: { type: 'string' },
        std: { type: 'string' },
        'input-size': { type: 'string' },
        licence: { type: 'string' },
        source: { type: 'string' },
        top1: { type: 'string' },
        card: { type: 'string' },
        force: { type: 'boolean', default: false },
        feature: { type: 'string' },
        preprocessing: { type: 'string' },
      },
    });
    if (positionals.length !== 1) throw new UsageError('give exactly one checkpoint file');
    const path = positionals[0];
    const id = values.id ?? idFromPath(path);
    const out = values.out ?? join('models', id);
    // Before reading a byte of the checkpoint: a model folder of the same name is never silently replaced.
    await checkOutputFolder(out, { force: values.force });
    const inputSize = values['input-size'] === undefined ? 224 : Number(values['input-size']);
    if (!Number.isInteger(inputSize) || inputSize < 16)
      throw new UsageError('--input-size must be an integer ≥ 16');
    const opts: ConvertOptions = {
      id,
      arch: values.arch,
      profile: values.profile,
      container: values.container,
      prefix: values.prefix,
      fileName: basename(path),
      float16: values.float16,
      name: values.name,
      family: values.family,
      normalisation: parseNormalisation(values.mean, values.std),
      inputSize,
      licence: values.licence,
      source: values.source ?? basename(path),
      imagenetTop1: parseTop1(values.top1),
      cardOverrides: await readCardOverrides(values.card),
      feature: parseFeature(values.feature),
      preprocessing: parsePreprocessing(values.preprocessing),
    };
    const result = await convertCheckpoint(new Uint8Array(await readFile(path)), opts).catch(
      (err: unknown) => {
        // The refusal names the command that would work; put the user's own path into it.
        if (err instanceof LayoutNotFoundError)
          throw new LayoutNotFoundError(err.message.replaceAll('<checkpoint>', printable(path)));
        // Name the file: the readers only know the member or key.
        if (err instanceof CheckpointError) err.message = `${printable(path)}: ${err.message}`;
        throw err;
      },
    );
    console.log(formatReport(result.report, result.family));
    await writeModelFolder(out, result, values.force);
    const bytes = [...result.files.values()].reduce((n, b) => n + b.byteLength, 0);
    console.log(
      `wrote ${out}: ${result.card.architecture}, ${result.card.featureSize}-d features, ${result.files.size} files, ${(bytes / 1e6).toFixed(1)} MB, weights ${result.card.weightsHash.slice(0, 12)}…`,
    );
    return 0;
  },
};
