// `tlab eval`: the lab's whole pipeline, headless: dataset folder (or tar shards) → features → probes → record.

import { availableParallelism, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { defaultMemoryBudget } from '../../core/batch-size.ts';
import {
  DEFAULT_SETTINGS,
  isProbeKind,
  PROBE_KINDS,
  PROBES,
  settingsProblems,
} from '../../core/probes/registry.ts';
import { type EvalSettings, SettingsError } from '../../core/probes/settings.ts';
import type { ProbeKind } from '../../core/probes/types.ts';
import { formatDuration } from '../../core/progress.ts';
import { recordToCsv } from '../../core/record/csv.ts';
import { parseShard, type ShardInfo, type ShardSpec, shardModels } from '../../core/record/shard.ts';
import type { ResultRecord } from '../../core/record/types.ts';
import { pairedToJson } from '../../core/stats/paired-json.ts';
import { printable } from '../../core/text/printable.ts';
import type { InputIssue, Progress } from '../../core/types.ts';
import { initBackend } from '../../engine/backend.ts';
import { describeForwardRoute, forwardThreads } from '../../engine/cpu-route/route.ts';
import { evaluateWithOutcomes } from '../../engine/pipeline.ts';
import { diskFeatureCache } from '../../platform/node/cache.ts';
import { decodeImageNode } from '../../platform/node/decode.ts';
import { createNodePixelPool } from '../../platform/node/pixel-pool.ts';
import type { PixelPool } from '../../platform/pixel-pool-core.ts';
import { type CliCommand, UsageError } from '../command.ts';
import { nodeDatasetSource } from '../dataset-arg.ts';
import { loadModelRef, modelIdsFromArg } from '../models-on-disk.ts';
import { checkOutputFile, writeFileAtomic } from '../output.ts';
import { scoresTable } from '../scores-table.ts';

const PROBE_FLAGS = PROBES.flatMap((p) => p.flags);

/** "  --k <v>              help", the help on its own line when the flag is too long for the column. */
const flagHelp = (name: string, help: string) => {
  const left = `${name} <v>`;
  return left.length < 19 ? `  --${left.padEnd(19)}${help}` : `  --${left}\n${' '.repeat(23)}${help}`;
};

const USAGE = `Usage: npx tlab eval --data <folder|a.tar,b.tar> [options]

  --data <path>        ImageFolder dataset (class subfolders, optionally under train/ val/ test/),
                       or comma-separated WebDataset tar shards
  --models <ids>       comma-separated model ids from models/ or model folders (default: the embedded zoo;
                       all: every embedded model, the zoo and the photo-trained nsfwjs CNNs)
  --probes <list>      any of: ${PROBE_KINDS.join(',')} (default: linear,fewshot)
${PROBES.map((p) => `                         ${p.kind}: ${p.description}`).join('\n')}
${PROBE_FLAGS.map((f) => flagHelp(f.name, f.help)).join('\n')}
  --seed <n>           seed for splits and episodes (default 0)
  --backend <b>        wasm (default) or cpu
  --batch <n|auto>     images per inference batch (default auto: per model, the most that fit the memory
                       budget, at most 64; features are the same whatever the batch)
  --memory-budget <MiB> backend memory an inference batch may take (default a quarter of this machine's
                       memory, within 256..2048 MiB)
  --cache <dir>        feature cache folder (default .cache/features); --no-cache to disable
  --out <file>         write the ResultRecord JSON here
  --csv <file>         also write the scores as CSV
  --shard <i/n>        run only shard i of n (every n-th model from the i-th) on this machine; join the
                       n records with 'tlab merge' (README: spreading a run over machines)

Results that cannot be computed (one class, no test images, too few images for few-shot, non-finite
features) are reported as "not computed" with the reason; the exit code is 1 when nothing could be computed.`;

export const evalCommand: CliCommand = {
  name: 'eval',
  summary:
    'run the probes (linear, few-shot, colour, kNN) of models on a dataset folder; print a table, write a ResultRecord',
  usage: USAGE,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        data: { type: 'string' },
        models: { type: 'string' },
        probes: { type: 'string', default: 'linear,fewshot' },
        ...Object.fromEntries(PROBE_FLAGS.map((f) => [f.name, { type: 'string' as const }])),
        seed: { type: 'string', default: '0' },
        backend: { type: 'string', default: 'wasm' },
        batch: { type: 'string', default: 'auto' },
        'memory-budget': { type: 'string' },
        cache: { type: 'string', default: '.cache/features' },
        'no-cache': { type: 'boolean', default: false },
        out: { type: 'string' },
        csv: { type: 'string' },
        shard: { type: 'string' },
      },
    });
    if (!values.data) throw new UsageError('--data is required');
    // Checked before any work: a run must not fail at its last step on an unwritable path or a folder.
    for (const [flag, path] of [
      ['--out', values.out],
      ['--csv', values.csv],
    ] as const)
      if (typeof path === 'string') await checkOutputFile(path, { force: true, flag });
    const probes = parseProbes(String(values.probes));
    const settings = parseSettings(values as Record<string, string | boolean | undefined>, probes);
    const backend = await initBackend(parseBackend(String(values.backend)));
    const ids = await modelIdsFromArg(values.models as string | undefined);
    if (ids.length === 0)
      throw new UsageError('no models: pass --models or add models to models/catalog.json');
    const shard = typeof values.shard === 'string' ? shardOf(values.shard, ids) : undefined;
    const models = await Promise.all((shard ? shardModels(ids, shard) : ids).map((id) => loadModelRef(id)));
    const source = nodeDatasetSource(values.data);
    const issues: InputIssue[] = [];
    console.error(
      `backend: ${backend.name} (${backend.threads} thread${backend.threads === 1 ? '' : 's'}); ResNets and ViTs: ${await describeForwardRoute()}`,
    );
    const pixels = decodePoolIfUseful(
      await forwardThreads(
        backend.threads,
        models.map((m) => m.card.format),
      ),
    );
    const { record, paired } = await evaluateWithOutcomes(
      {
        models,
        source,
        probes,
        settings,
        backend: backend.name,
        batchSize: values.batch === 'auto' ? undefined : positiveInt(String(values.batch), 'batch'),
        memoryBudgetBytes: memoryBudget(values['memory-budget'] as string | undefined),
      },
      {
        decode: decodeImageNode,
        cache: values['no-cache'] ? undefined : diskFeatureCache(values.cache as string | undefined),
        onProgress: printProgress,
        onIssues: (found) => issues.push(...found),
        pixels,
      },
    ).finally(() => pixels?.close());
    process.stderr.write('\n');
    report(record, issues);
    // A shard also writes what the paired tests need, so `tlab merge` can recompute comparisons across shards.
    const written = shard ? { ...record, shard, paired: pairedToJson(paired) } : record;
    if (typeof values.out === 'string')
      await writeFileAtomic(values.out, `${JSON.stringify(written, null, 2)}\n`);
    if (typeof values.csv === 'string') await writeFileAtomic(values.csv, recordToCsv([record]));
    if (record.scores.length === 0) {
      console.error('Nothing could be computed (see "not computed" above).');
      return 1;
    }
    return 0;
  },
};

function shardOf(text: string, ids: string[]): ShardInfo {
  let spec: ShardSpec;
  try {
    spec = parseShard(text);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (spec.count > ids.length)
    throw new UsageError(
      `--shard ${text}: ${ids.length} model(s) cannot fill ${spec.count} shards (a shard runs whole models)`,
    );
  return { ...spec, models: ids };
}

/**
 * Decode workers pay off when a core is free for them while the backbone runs (bench/pixels/RESULTS.md):
 * on 4+ cores, or when the backbone runs on fewer threads than there are cores. Node's tfjs-wasm runs one
 * thread, so on 2 cores the second core decodes the next batch instead of idling; in-thread, decoding
 * would only take turns with the backbone on one core.
 */
export function pixelPoolPays(cores: number, backboneThreads: number): boolean {
  return cores >= 4 || cores > backboneThreads;
}

export function decodePoolIfUseful(backboneThreads: number): PixelPool | undefined {
  return pixelPoolPays(availableParallelism(), backboneThreads) ? createNodePixelPool() : undefined;
}

/** --memory-budget in MiB, or the default for this machine's memory. */
export function memoryBudget(mib: string | undefined): number {
  return mib === undefined ? defaultMemoryBudget(totalmem()) : positiveInt(mib, 'memory-budget') * 2 ** 20;
}

function parseProbes(list: string): ProbeKind[] {
  const probes = list.split(',').filter(Boolean);
  for (const p of probes) {
    if (!isProbeKind(p)) throw new UsageError(`unknown probe '${p}' (known: ${PROBE_KINDS.join(', ')})`);
  }
  if (probes.length === 0) throw new UsageError('--probes needs at least one probe');
  return probes as ProbeKind[];
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

/** The registry's defaults with each probe's flags applied (registry order), then validated. */
function parseSettings(
  values: Record<string, string | boolean | undefined>,
  probes: ProbeKind[],
): EvalSettings {
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer`);
  let settings: EvalSettings = { ...DEFAULT_SETTINGS, seed };
  try {
    for (const flag of PROBE_FLAGS) {
      const value = values[flag.name];
      if (typeof value === 'string') settings = flag.apply(settings, value);
    }
  } catch (e) {
    if (e instanceof SettingsError) throw new UsageError(e.message);
    throw e;
  }
  if ((settings.inversion?.steps ?? 0) > 0 && !probes.includes('colour'))
    throw new UsageError('--invert-steps needs the colour probe (--probes ...,colour)');
  const problems = settingsProblems(settings, probes);
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return settings;
}

function printProgress(p: Progress): void {
  if (!process.stderr.isTTY && p.done !== p.total) return; // keep logs short when piped
  const rate = p.ratePerSecond ? `${p.ratePerSecond.toFixed(1)}/s` : '';
  process.stderr.write(`\r${p.stage}: ${p.done}/${p.total} ${rate} ETA ${formatDuration(p.etaSeconds)}   `);
  if (!process.stderr.isTTY) process.stderr.write('\n');
}

function report(record: ResultRecord, issues: InputIssue[]): void {
  console.log(scoresTable(record));
  const notComputed = record.notComputed ?? [];
  if (notComputed.length) {
    console.log(`\n${notComputed.length} result(s) not computed:`);
    for (const n of notComputed) console.log(`  ${n.model} / ${n.dataset} / ${n.probe}: ${n.reason}`);
  }
  if (issues.length) {
    console.log(`\n${issues.length} input problem(s):`);
    for (const i of issues) console.log(`  ${i.action}: ${printable(i.key)}: ${printable(i.reason, 400)}`);
  }
}
