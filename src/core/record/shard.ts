// Spreading one evaluation over machines (`tlab eval --shard i/n`, then `tlab merge`): the split of the work
// and the join of the records, both pure. The unit of work is one model (all its probes): a model's
// features, probes and details never depend on another model, so n shards run the same code on disjoint model
// lists and their records join into exactly the record of one run. Every shard carries the whole run's model
// list and its own index, so the join can check that the shards belong together and that none is missing.

import { compareModels, type PairedOutcome } from '../stats/compare.ts';
import type { ResultRecord } from './types.ts';

export interface ShardSpec {
  /** 1-based, as Kubernetes Indexed Jobs (0-based, add 1) and Slurm arrays (1..n) hand them out. */
  index: number;
  count: number;
}

/** What a shard's output says about the run it belongs to (the `shard` field beside the record's own). */
export interface ShardInfo extends ShardSpec {
  /** Every model id of the whole run, in run order. */
  models: string[];
}

/** One shard's result: its record (validated) and where it sits in the run. */
export interface ShardPart {
  record: ResultRecord;
  shard: ShardInfo;
  /** For messages: the file it came from. */
  source: string;
  /** What the paired tests need for the shard's models (the output's `paired` field), when it has it. */
  paired?: PairedOutcome[];
}

export class ShardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShardError';
  }
}

/** Parses "i/n" with 1 ≤ i ≤ n. */
export function parseShard(text: string): ShardSpec {
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(text.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!(count >= 1 && index >= 1 && index <= count))
    throw new ShardError(`--shard must be i/n with 1 <= i <= n (e.g. 2/3), not '${text}'`);
  return { index, count };
}

/** Models of shard i: every n-th model from the i-th, so each shard gets a near-equal share. */
export function shardModels<T>(models: readonly T[], shard: ShardSpec): T[] {
  return models.filter((_, k) => k % shard.count === shard.index - 1);
}

/** Fields that differ between shards of one run (or between runs of the same work, for createdAt). */
const PER_SHARD_FIELDS = new Set(['createdAt', 'models', 'scores', 'details', 'comparisons']);

/** Reads the `shard` field of a shard's JSON output, or throws naming the file. */
export function readShardInfo(raw: unknown, source: string): ShardInfo {
  const s = (raw as { shard?: Partial<ShardInfo> } | null)?.shard;
  const ok =
    s &&
    Number.isInteger(s.index) &&
    Number.isInteger(s.count) &&
    s.count! >= 1 &&
    s.index! >= 1 &&
    s.index! <= s.count! &&
    Array.isArray(s.models) &&
    s.models.length <= 1_000 &&
    s.models.every((m) => typeof m === 'string');
  if (!ok)
    throw new ShardError(
      `${source}: not a shard's record (no valid 'shard' field: was it written by eval --shard?)`,
    );
  return { index: s.index!, count: s.count!, models: [...s.models!] };
}

/**
 * Joins the records of all n shards of one run into the record one unsharded run would have written:
 * models and scores in the run's model order, per-model details merged in the same order. The earliest
 * createdAt is kept. Refuses shards of different runs (data, seed, settings, backend, version), a missing or
 * repeated shard, and records that are not shards.
 */
export function mergeShards(parts: readonly ShardPart[]): ResultRecord {
  if (parts.length === 0) throw new ShardError('nothing to merge');
  parts.forEach(checkShardModels);
  checkSameRun(parts);
  const records = parts.map((p) => p.record);
  const { count, models: order } = parts[0].shard;
  const seen = new Set(parts.map((p) => p.shard.index));
  const missing = Array.from({ length: count }, (_, k) => k + 1).filter((i) => !seen.has(i));
  if (seen.size !== parts.length) throw new ShardError('a shard was given twice');
  if (missing.length)
    throw new ShardError(`shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')} missing`);

  const rank = new Map(order.map((id, k) => [id, k]));
  const byRank =
    <T>(id: (x: T) => string) =>
    (a: T, b: T) =>
      rank.get(id(a))! - rank.get(id(b))!;
  const models = records.flatMap((r) => r.models).sort(byRank((m) => m.id));
  // Within one model a shard keeps the run's own score order; the sort is stable, so sorting by model
  // rank alone gives the unsharded order.
  const scores = records.flatMap((r) => r.scores).sort(byRank((s) => s.model));
  const merged: ResultRecord = {
    ...records[0],
    createdAt: records.map((r) => r.createdAt).sort()[0],
    models,
    scores,
  };
  const details = mergeDetails(records, order);
  if (details) merged.details = details;
  else delete merged.details;
  // Comparisons pair models of different shards: recomputed from every shard's per-model outcomes, in the
  // run's model order (as evaluate collects them), so they equal one run's. Last key, as evaluate sets it.
  delete merged.comparisons;
  if (parts.every((p) => p.paired !== undefined)) {
    const paired = parts.flatMap((p) => p.paired!).sort(byRank((o) => o.model));
    const comparisons = compareModels(paired, { seed: merged.seed });
    if (comparisons.length > 0) merged.comparisons = comparisons;
  }
  return merged;
}

function checkShardModels({ record, shard, source }: ShardPart): void {
  const expected = shardModels(shard.models, shard);
  const got = record.models.map((m) => m.id);
  if (JSON.stringify(expected) !== JSON.stringify(got))
    throw new ShardError(
      `${source} (shard ${shard.index}/${shard.count}) holds models [${got.join(', ')}], expected [${expected.join(', ')}]`,
    );
}

function checkSameRun(parts: readonly ShardPart[]): void {
  const key = ({ record, shard }: ShardPart) =>
    JSON.stringify([
      Object.entries(record).filter(([k]) => !PER_SHARD_FIELDS.has(k)),
      shard.count,
      shard.models,
    ]);
  const first = key(parts[0]);
  for (const p of parts.slice(1)) {
    if (key(p) !== first)
      throw new ShardError(
        `${p.source} is from another run than ${parts[0].source} (dataset, seed, settings, backend, lab version or model list differ)`,
      );
  }
}

/** Details keyed by model id first (calibration[model][dataset], ...) merge in run order; others must agree. */
function mergeDetails(records: readonly ResultRecord[], order: string[]): ResultRecord['details'] {
  const kinds = [...new Set(records.flatMap((r) => Object.keys(r.details ?? {})))];
  if (kinds.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  const modelIds = new Set(order);
  for (const kind of kinds) {
    const parts = records.map((r) => r.details?.[kind]).filter((v) => v !== undefined);
    const perModel = parts.every((p) => isPlainObject(p) && Object.keys(p).every((id) => modelIds.has(id)));
    if (perModel) {
      const joined: Record<string, unknown> = {};
      for (const id of order) {
        const owner = parts.find((p) => Object.hasOwn(p as object, id));
        if (owner) joined[id] = (owner as Record<string, unknown>)[id];
      }
      out[kind] = joined;
    } else if (parts.every((p) => JSON.stringify(p) === JSON.stringify(parts[0]))) {
      out[kind] = parts[0];
    } else {
      throw new ShardError(`details.${kind} differ between shards and are not per model: cannot merge`);
    }
  }
  return out as ResultRecord['details'];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
