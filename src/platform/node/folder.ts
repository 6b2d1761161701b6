// A dataset folder on disk. `labels.csv` / `splits.csv` at the folder's root are used automatically
// (formats in core/dataset/labels.ts) unless given explicitly.

import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { buildListing, type ListedFile, type ListingOptions } from '../../core/dataset/listing.ts';
import { normalisePath } from '../../core/dataset/paths.ts';
import type { DatasetSource } from '../../core/types.ts';

export const LABELS_FILE = 'labels.csv';
export const SPLITS_FILE = 'splits.csv';

/** Every file (and folder, with a trailing '/') under `root`, relative, POSIX separators. Follows symlinks. */
export async function walkFolder(root: string, rel = ''): Promise<ListedFile[]> {
  const out: ListedFile[] = [];
  const entries = await readdir(join(root, rel), { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    const info = entry.isSymbolicLink() ? await stat(join(root, path)) : entry;
    if (info.isDirectory()) out.push({ path: `${path}/`, size: 0 }, ...(await walkFolder(root, path)));
    else if (info.isFile()) out.push({ path, size: (await stat(join(root, path))).size });
  }
  return out;
}

async function optionalText(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}

export function nodeFolderSource(dir: string, opts: ListingOptions = {}): DatasetSource {
  const root = resolve(dir);
  return {
    name: basename(root),
    async list() {
      const labelsCsv = opts.labelsCsv ?? (await optionalText(join(root, LABELS_FILE)));
      const splitList = opts.splitList ?? (await optionalText(join(root, SPLITS_FILE)));
      const files = (await walkFolder(root)).filter((f) => f.path !== LABELS_FILE && f.path !== SPLITS_FILE);
      return buildListing(basename(root), files, { ...opts, labelsCsv, splitList });
    },
    async read(key) {
      const path = normalisePath(key);
      if (path.split('/').includes('..')) throw new Error(`${key}: path leaves the dataset folder`);
      return new Uint8Array(await readFile(join(root, path)));
    },
  };
}
