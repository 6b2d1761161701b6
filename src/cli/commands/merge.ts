// `tlab merge`: joins the records of the n shards of one `tlab eval --shard i/n` run into the record one
// unsharded run writes (src/core/record/shard.ts says why that is exact).

import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { mergeShards, readShardInfo, type ShardPart } from '../../core/record/shard.ts';
import { validateRecord } from '../../core/record/validate.ts';
import { pairedFromJson } from '../../core/stats/paired-json.ts';
import { type CliCommand, UsageError } from '../command.ts';
import { checkOutputFile, writeFileAtomic } from '../output.ts';
import { scoresTable } from '../scores-table.ts';

const USAGE = `Usage: npx tlab merge <shard.json...> --out merged.json [--force]

  <shard.json...>   the records written by 'tlab eval --shard i/n --out ...', one per shard, any order
  --out <file>      where the joined record goes (refused if it exists, unless --force)
  --force           overwrite --out

Every shard of the run must be there exactly once, all from the same data, seed, settings, backend and lab
version; the joined record equals what one unsharded 'tlab eval' writes, but for createdAt (the earliest).`;

/** A record is a few MB at most (RECORD_LIMITS); a larger file is not one. */
const MAX_RECORD_BYTES = 256 * 1024 * 1024;

export const mergeCommand: CliCommand = {
  name: 'merge',
  summary: "join the records of 'eval --shard i/n' runs into one record",
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { out: { type: 'string' }, force: { type: 'boolean', default: false } },
    });
    if (positionals.length === 0) throw new UsageError('give the shard records to merge');
    if (!values.out) throw new UsageError('--out is required');
    await checkOutputFile(values.out, { force: values.force });
    const parts = await Promise.all(positionals.map(readPart));
    const merged = validateRecord(mergeShards(parts));
    await writeFileAtomic(values.out, `${JSON.stringify(merged, null, 2)}\n`);
    console.log(scoresTable(merged));
    console.error(`merged ${parts.length} shard(s) into ${values.out}`);
    return 0;
  },
};

async function readPart(path: string): Promise<ShardPart> {
  const size = (await stat(path)).size;
  if (size > MAX_RECORD_BYTES) throw new Error(`${path}: ${size} bytes is too large for a result record`);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: not JSON (${(e as Error).message.slice(0, 200)})`);
  }
  const shard = readShardInfo(raw, path);
  const paired = (raw as { paired?: unknown }).paired;
  const part: ShardPart = { record: validateRecord(raw), shard, source: path };
  if (paired !== undefined) {
    try {
      part.paired = pairedFromJson(paired);
    } catch (e) {
      throw new Error(`${path}: damaged 'paired' field (${(e as Error).message.slice(0, 200)})`);
    }
  }
  return part;
}
