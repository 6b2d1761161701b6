// `tlab eval`: the lab's whole pipeline, headless: dataset folder (or tar shards) → features → probes → record.

import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { formatDuration } from '../../core/progress.ts';
import { recordToCsv } from '../../core/record/csv.ts';
import type { ResultRecord } from '../../core/record/types.ts';
import { printable } from '../../core/text/printable.ts';
import type { InputIssue, Progress } from '../../core/types.ts';
import { initBackend } from '../../engine/backend.ts';
import { DEFAULT_SETTINGS, type EvalSettings, evaluate, type ProbeKind } from '../../engine/pipeline.ts';
import { diskFeatureCache } from '../../platform/node/cache.ts';
import { decodeImageNode } from '../../platform/node/decode.ts';
import { createNodePixelPool } from '../../platform/node/pixel-pool.ts';
import type { PixelPool } from '../../platform/pixel-pool-core.ts';
import { type CliCommand, UsageError } from '../command.ts';
import { nodeDatasetSource } from '../dataset-arg.ts';
import { embeddedModelIds, loadModelRef } from '../models-on-disk.ts';
import { checkOutputFile, writeFileAtomic } from '../output.ts';
import { scoresTable } from '../scores-table.ts';

const USAGE = `Usage: npx tlab eval --data <folder|a.tar,b.tar> [options]

  --data <path>        ImageFolder dataset (class subfolders, optionally under train/ val/ test/),
                       or comma-separated WebDataset tar shards
  --models <ids>       comma-separated model ids from models/ or model folders (default: the embedded zoo)
  --probes <list>      linear,fewshot,colour (default: linear,fewshot); colour = ridge colour readout
                       (R², RMSE per channel) and colour reliance (linear probe on greyscale test images)
  --invert-steps <n>   with colour: also invert the first test image through layer4 (Deep Image Prior,
                       Adam) for n steps and report its per-channel MSE (the paper: 3000; default 0 = off)
  --invert-lr <x>      Adam learning rate of the inversion (default 1e-3)
  --invert-image <key> the dataset item to invert (default: the first test image)
  --mode <m>           linear probe: paper (reference protocol, default) or converged
  --metric <m>         top1 (default) or mean-per-class
  --shots <list>       few-shot k values (default 5,20)
  --ways <n>           few-shot classes per episode (default 5)
  --queries <n>        query images per class (default 15)
  --episodes <n>       few-shot episodes (default 600)
  --seed <n>           seed for splits and episodes (default 0)
  --backend <b>        wasm (default) or cpu
  --batch <n>          images per inference batch (default 16)
  --cache <dir>        feature cache folder (default .cache/features); --no-cache to disable
  --out <file>         write the ResultRecord JSON here
  --csv <file>         also write the scores as CSV`;

export const evalCommand: CliCommand = {
  name: 'eval',
  summary:
    'run linear, few-shot and colour probes of models on a dataset folder; print a table, write a ResultRecord',
  usage: USAGE,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        data: { type: 'string' },
        models: { type: 'string' },
        probes: { type: 'string', default: 'linear,fewshot' },
        mode: { type: 'string', default: 'paper' },
        metric: { type: 'string', default: 'top1' },
        shots: { type: 'string' },
        ways: { type: 'string' },
        queries: { type: 'string' },
        episodes: { type: 'string' },
        seed: { type: 'string', default: '0' },
        backend: { type: 'string', default: 'wasm' },
        batch: { type: 'string', default: '16' },
        cache: { type: 'string', default: '.cache/features' },
        'no-cache': { type: 'boolean', default: false },
        out: { type: 'string' },
        csv: { type: 'string' },
        'invert-steps': { type: 'string', default: '0' },
        'invert-lr': { type: 'string', default: '1e-3' },
        'invert-image': { type: 'string' },
      },
    });
    if (!values.data) throw new UsageError('--data is required');
    // Checked before any work: a run must not fail at its last step on an unwritable path or a folder.
    for (const [flag, path] of [
      ['--out', values.out],
      ['--csv', values.csv],
    ] as const)
      if (path) await checkOutputFile(path, { force: true, flag });
    const probes = parseProbes(values.probes!);
    const settings = { ...parseSettings(values), ...parseInversion(values, probes) };
    const backend = await initBackend(parseBackend(values.backend!));
    const ids = values.models ? values.models.split(',').filter(Boolean) : await embeddedModelIds();
    if (ids.length === 0)
      throw new UsageError('no models: pass --models or add models to models/catalog.json');
    const models = await Promise.all(ids.map((id) => loadModelRef(id)));
    const source = nodeDatasetSource(values.data);
    const issues: InputIssue[] = [];
    console.error(`backend: ${backend.name} (${backend.threads} thread${backend.threads === 1 ? '' : 's'})`);
    const pixels = decodePoolIfUseful();
    const record = await evaluate(
      {
        models,
        source,
        probes,
        settings,
        backend: backend.name,
        batchSize: positiveInt(values.batch!, 'batch'),
      },
      {
        decode: decodeImageNode,
        cache: values['no-cache'] ? undefined : diskFeatureCache(values.cache),
        onProgress: printProgress,
        onIssues: (found) => issues.push(...found),
        pixels,
      },
    ).finally(() => pixels?.close());
    process.stderr.write('\n');
    report(record, issues);
    if (values.out) await writeFileAtomic(values.out, `${JSON.stringify(record, null, 2)}\n`);
    if (values.csv) await writeFileAtomic(values.csv, recordToCsv([record]));
    return 0;
  },
};

const PROBES: readonly ProbeKind[] = ['linear', 'fewshot', 'colour'];

/** Decode workers help only when a core is free for them (bench/pixels/RESULTS.md): 4+ cores. */
export function decodePoolIfUseful(): PixelPool | undefined {
  return availableParallelism() >= 4 ? createNodePixelPool() : undefined;
}

function parseProbes(list: string): ProbeKind[] {
  const probes = list.split(',').filter(Boolean);
  for (const p of probes) {
    if (!(PROBES as readonly string[]).includes(p)) {
      throw new UsageError(`unknown probe '${p}' (known: ${PROBES.join(', ')})`);
    }
  }
  return probes as ProbeKind[];
}

type InversionValues = Partial<Record<'invert-steps' | 'invert-lr' | 'invert-image', string>>;

function parseInversion(v: InversionValues, probes: ProbeKind[]): Pick<EvalSettings, 'inversion'> {
  const steps = Number(v['invert-steps'] ?? '0');
  if (!Number.isInteger(steps) || steps < 0)
    throw new UsageError('--invert-steps must be a non-negative integer');
  if (steps === 0) return {};
  if (!probes.includes('colour'))
    throw new UsageError('--invert-steps needs the colour probe (--probes ...,colour)');
  const learningRate = Number(v['invert-lr']);
  if (!(learningRate > 0)) throw new UsageError('--invert-lr must be a positive number');
  return { inversion: { steps, learningRate, imageKey: v['invert-image'] } };
}

function parseBackend(name: string): 'wasm' | 'cpu' {
  if (name !== 'wasm' && name !== 'cpu')
    throw new UsageError(`--backend must be wasm or cpu in Node, not '${name}'`);
  return name;
}

export function positiveInt(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`--${what} must be a positive integer, not '${text}'`);
  return n;
}

type EvalValues = Partial<
  Record<'mode' | 'metric' | 'shots' | 'ways' | 'queries' | 'episodes' | 'seed', string>
>;

function parseSettings(v: EvalValues): EvalSettings {
  if (v.mode !== 'paper' && v.mode !== 'converged') throw new UsageError(`--mode must be paper or converged`);
  if (v.metric !== 'top1' && v.metric !== 'mean-per-class')
    throw new UsageError(`--metric must be top1 or mean-per-class`);
  const d = DEFAULT_SETTINGS.fewshot;
  const seed = Number(v.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer`);
  return {
    seed,
    linearMode: v.mode,
    metric: v.metric,
    fewshot: {
      ways: v.ways ? positiveInt(v.ways, 'ways') : d.ways,
      shots: v.shots ? v.shots.split(',').map((s) => positiveInt(s, 'shots')) : d.shots,
      queries: v.queries ? positiveInt(v.queries, 'queries') : d.queries,
      episodes: v.episodes ? positiveInt(v.episodes, 'episodes') : d.episodes,
    },
  };
}

function printProgress(p: Progress): void {
  if (!process.stderr.isTTY && p.done !== p.total) return; // keep logs short when piped
  const rate = p.ratePerSecond ? `${p.ratePerSecond.toFixed(1)}/s` : '';
  process.stderr.write(`\r${p.stage}: ${p.done}/${p.total} ${rate} ETA ${formatDuration(p.etaSeconds)}   `);
  if (!process.stderr.isTTY) process.stderr.write('\n');
}

function report(record: ResultRecord, issues: InputIssue[]): void {
  console.log(scoresTable(record));
  if (issues.length) {
    console.log(`\n${issues.length} input problem(s):`);
    for (const i of issues) console.log(`  ${i.action}: ${printable(i.key)}: ${printable(i.reason, 400)}`);
  }
}
