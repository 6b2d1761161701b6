// `tlab embed`: features of every image of a dataset as NPY float32 (N×D), with the paths in row order,
// so they can be taken to any other tool.

import { parseArgs } from 'node:util';
import { writeNpy } from '../../core/npy.ts';
import { printable } from '../../core/text/printable.ts';
import type { InputIssue } from '../../core/types.ts';
import { loadAnyBackbone } from '../../engine/backbones.ts';
import { initBackend } from '../../engine/backend.ts';
import { forwardThreads } from '../../engine/cpu-route/route.ts';
import { extractFeatures, ruleKey } from '../../engine/extract.ts';
import { diskFeatureCache } from '../../platform/node/cache.ts';
import { decodeImageNode } from '../../platform/node/decode.ts';
import { type CliCommand, UsageError } from '../command.ts';
import { nodeDatasetSource } from '../dataset-arg.ts';
import { loadModelRef } from '../models-on-disk.ts';
import { checkOutputFile, writeFileAtomic } from '../output.ts';
import { decodePoolIfUseful, positiveInt } from './eval.ts';

const USAGE = `Usage: npx tlab embed --model <id|folder> --data <folder|a.tar,b.tar> --out feats.npy [options]

  --model <m>      a model id from models/ or a model folder (card.json + model.json + shards)
  --data <path>    ImageFolder dataset or comma-separated tar shards
  --out <file>     NPY float32 N×D; the relative image paths, in row order, go to <file>.paths.jsonl
                   (one JSON string per line: unambiguous whatever the names hold, newlines included)
  --force          replace existing output files
  --rule <r>       preprocessing: linear (default; resize shorter side + centre crop) or fewshot (squash + crop)
  --backend <b>    wasm (default) or cpu
  --batch <n>      images per batch (default 16)
  --no-cache       do not read or write the feature cache (.cache/features)`;

export const embedCommand: CliCommand = {
  name: 'embed',
  summary: 'write the features of every image of a dataset as NPY (N×D) plus the image paths',
  usage: USAGE,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        model: { type: 'string' },
        data: { type: 'string' },
        out: { type: 'string' },
        rule: { type: 'string', default: 'linear' },
        backend: { type: 'string', default: 'wasm' },
        batch: { type: 'string', default: '16' },
        'no-cache': { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
      },
    });
    if (!values.model || !values.data || !values.out)
      throw new UsageError('--model, --data and --out are required');
    if (values.rule !== 'linear' && values.rule !== 'fewshot')
      throw new UsageError('--rule must be linear or fewshot');
    if (values.backend !== 'wasm' && values.backend !== 'cpu')
      throw new UsageError('--backend must be wasm or cpu');
    const pathsOut = pathListFile(values.out);
    await checkOutputFile(values.out, { force: values.force });
    await checkOutputFile(pathsOut, { force: values.force, flag: '--out (path list)' });
    const backend = await initBackend(values.backend);
    const ref = await loadModelRef(values.model);
    const source = nodeDatasetSource(values.data);
    const listing = await source.list();
    const backbone = await loadAnyBackbone(ref.card, ref.read);
    const rule = ref.card.preprocessing[values.rule];
    const pixels = decodePoolIfUseful(await forwardThreads(backend.threads, [ref.card.format]));
    try {
      const result = await extractFeatures({
        source,
        keys: listing.items.map((it) => it.key),
        backbone,
        rule,
        decode: decodeImageNode,
        pixels,
        cache: values['no-cache'] ? undefined : diskFeatureCache(),
        cacheNamespace: `${ref.card.weightsHash}/${ruleKey(rule)}/${listing.fingerprint}`,
        batchSize: positiveInt(values.batch!, 'batch'),
        stage: 'features',
        onProgress: (p) => process.stderr.write(`\rfeatures: ${p.done}/${p.total}   `),
      });
      process.stderr.write('\n');
      const dim = ref.card.featureSize;
      await writeFileAtomic(values.out, writeNpy(result.features, [result.usedKeys.length, dim]));
      await writeFileAtomic(pathsOut, writePathList(result.usedKeys));
      reportIssues([...listing.issues, ...result.issues]);
      console.log(
        `wrote ${result.usedKeys.length}×${dim} features to ${printable(values.out)} (paths in ${printable(pathsOut)})`,
      );
    } finally {
      backbone.dispose();
      await pixels?.close();
    }
    return 0;
  },
};

function reportIssues(issues: InputIssue[]): void {
  for (const i of issues) console.error(`${i.action}: ${printable(i.key)}: ${printable(i.reason, 400)}`);
}

/** Where the row-order path list of `out` goes. */
export function pathListFile(out: string): string {
  return `${out}.paths.jsonl`;
}

/** One JSON string per line: a name holding a newline cannot shift the rows. */
export function writePathList(paths: string[]): string {
  return paths.map((p) => `${JSON.stringify(p)}\n`).join('');
}

/**
 * Reads a path list: JSON lines (what embed writes), or the old plain `<out>.txt` format (one path per line,
 * written before names with newlines were handled), told apart by the first character.
 */
export function readPathList(text: string): string[] {
  const lines = text.split('\n').filter((l) => l !== '');
  if (lines.length > 0 && lines.every((l) => l.startsWith('"')))
    return lines.map((l) => JSON.parse(l) as string);
  return lines;
}
