// The CLI's --data argument: an ImageFolder directory, or comma-separated WebDataset tar shards.

import type { DatasetSource } from '../core/types.ts';
import { nodeFolderSource } from '../platform/node/folder.ts';
import { tarShardsSource } from '../platform/node/tar.ts';

export function nodeDatasetSource(arg: string): DatasetSource {
  const parts = arg.split(',').filter(Boolean);
  if (parts.every((p) => p.endsWith('.tar')))
    return tarShardsSource(parts.map((path) => ({ name: path, path })));
  if (parts.length !== 1)
    throw new Error(`--data takes one folder or comma-separated .tar shards, not '${arg}'`);
  return nodeFolderSource(parts[0]);
}
