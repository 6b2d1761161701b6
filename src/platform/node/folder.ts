// A dataset folder on disk. `labels.csv` / `splits.csv` at the folder's root are used automatically
// (formats in core/dataset/labels.ts) unless given explicitly.

import type { Dirent, Stats } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { buildListing, type ListedFile, type ListingOptions } from '../../core/dataset/listing.ts';
import { normalisePath } from '../../core/dataset/paths.ts';
import type { DatasetSource } from '../../core/types.ts';

export const LABELS_FILE = 'labels.csv';
export const SPLITS_FILE = 'splits.csv';

/** Folders deeper than this are not walked (a real dataset is a few levels deep). */
const MAX_DEPTH = 32;

/**
 * Every file (and folder, with a trailing '/') under `root`, relative, POSIX separators. Follows symlinks,
 * but each real folder is walked once (a symlink loop ends there) and an entry that cannot be read (a
 * dangling link, a loop, no permission) is listed with the reason, to be reported as a skip.
 */
export async function walkFolder(
  root: string,
  rel = '',
  seen = new Set<string>(),
  depth = 0,
): Promise<ListedFile[]> {
  const here = await stat(join(root, rel));
  seen.add(`${here.dev}:${here.ino}`);
  const out: ListedFile[] = [];
  const entries = await readdir(join(root, rel), { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    let info: Stats | Dirent = entry;
    try {
      if (entry.isSymbolicLink() || entry.isDirectory()) info = await stat(join(root, path));
    } catch (err) {
      out.push({ path, size: 0, unreadable: unreadableReason(err, entry.isSymbolicLink()) });
      continue;
    }
    if (info.isDirectory()) {
      const id = 'ino' in info ? `${info.dev}:${info.ino}` : '';
      if (seen.has(id))
        out.push({ path, size: 0, unreadable: 'symlink loop: this folder is already listed' });
      else if (depth >= MAX_DEPTH)
        out.push({ path, size: 0, unreadable: `folder nested over ${MAX_DEPTH} deep` });
      else out.push({ path: `${path}/`, size: 0 }, ...(await walkFolder(root, path, seen, depth + 1)));
    } else if (info.isFile()) {
      try {
        out.push({ path, size: (await stat(join(root, path))).size });
      } catch (err) {
        out.push({ path, size: 0, unreadable: unreadableReason(err, false) });
      }
    }
  }
  return out;
}

function unreadableReason(err: unknown, isLink: boolean): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT' && isLink) return 'dangling symlink (its target does not exist)';
  if (code === 'ELOOP') return 'symlink loop';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return `unreadable (${code ?? 'error'})`;
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
