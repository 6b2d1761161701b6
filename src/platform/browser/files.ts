// A dataset from a dropped folder or an <input webkitdirectory>: paths are relative to the dropped folder.
// Tar files among the dropped files are not expanded here; use tarFilesSource for shards.

import { buildListing, type ListingOptions } from '../../core/dataset/listing.ts';
import { normalisePath } from '../../core/dataset/paths.ts';
import { createTarSource } from '../../core/dataset/tar-source.ts';
import type { DatasetSource } from '../../core/types.ts';

/** Removes the dropped folder's own name when every path starts with it (webkitRelativePath includes it). */
export function stripCommonRoot(paths: string[]): string[] {
  const norm = paths.map(normalisePath);
  const first = norm[0]?.split('/')[0];
  const shared = first !== undefined && norm.every((p) => p.startsWith(`${first}/`));
  return shared ? norm.map((p) => p.slice(first.length + 1)) : norm;
}

const LABELS_FILE = 'labels.csv';
const SPLITS_FILE = 'splits.csv';

export function fileListSource(
  name: string,
  files: { path: string; file: File }[],
  opts: ListingOptions = {},
): DatasetSource {
  const paths = stripCommonRoot(files.map((f) => f.path));
  const byPath = new Map(paths.map((p, i) => [p, files[i].file]));
  const text = (p: string) => byPath.get(p)?.text();
  return {
    name,
    async list() {
      const labelsCsv = opts.labelsCsv ?? (await text(LABELS_FILE));
      const splitList = opts.splitList ?? (await text(SPLITS_FILE));
      const listed = paths
        .filter((p) => p !== LABELS_FILE && p !== SPLITS_FILE)
        .map((p) => ({ path: p, size: byPath.get(p)!.size }));
      return buildListing(name, listed, { ...opts, labelsCsv, splitList });
    },
    async read(key) {
      const file = byPath.get(key);
      if (!file) throw new Error(`${key}: not among the dropped files`);
      return new Uint8Array(await file.arrayBuffer());
    },
  };
}

/** Tar shards chosen in the browser, read piecewise with File.slice (never loaded whole). */
export function tarFilesSource(name: string, shards: File[], opts: ListingOptions = {}): DatasetSource {
  return createTarSource(
    name,
    shards.map((file) => ({
      name: file.name,
      size: file.size,
      read: async (offset: number, length: number) =>
        new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()),
    })),
    opts,
  );
}
