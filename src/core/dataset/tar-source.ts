// A DatasetSource over tar shards given as random-access readers (bytes in memory, files on disk, browser Files).

import type { DatasetListing, DatasetSource } from '../types.ts';
import { buildListing, type ListingOptions } from './listing.ts';
import { planShards, type ReadAt, type ShardPlan, scanTar } from './tar.ts';

export interface TarShard {
  name: string;
  size: number;
  read: ReadAt;
}

export function createTarSource(name: string, shards: TarShard[], opts: ListingOptions = {}): DatasetSource {
  let plan: Promise<ShardPlan> | null = null;
  const planned = () => {
    plan ??= Promise.all(
      shards.map(async (s) => ({ ...s, ...(await scanTar(s.read, s.size, s.name)) })),
    ).then(planShards);
    return plan;
  };
  return {
    name,
    async list(): Promise<DatasetListing> {
      const p = await planned();
      const labelsCsv = opts.labelsCsv ?? p.labelsCsv ?? undefined;
      const listing = await buildListing(name, p.files, { ...opts, labelsCsv });
      listing.issues.unshift(...p.issues);
      return listing;
    },
    async read(key: string): Promise<Uint8Array> {
      const member = (await planned()).members.get(key);
      if (!member) throw new Error(`${key}: not in the tar shards`);
      return shards[member.shard].read(member.entry.offset, member.entry.size);
    },
  };
}
