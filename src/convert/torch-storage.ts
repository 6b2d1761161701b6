// Turns torch persistent ids into TorchStorage records; shared by the zip and legacy readers.

import { CorruptCheckpointError } from './errors.ts';
import { storageTypeOf } from './pickle-globals.ts';
import { type PyValue, sequenceItems, TorchStorage } from './py-values.ts';

export interface StoragePid {
  key: string;
  storage: TorchStorage;
  /** Legacy views: (view key, element offset, element count) into the root storage. */
  view: { key: string; offset: number; numel: number } | null;
}

function count(value: PyValue, what: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new CorruptCheckpointError(`torch storage id: ${what} is not a non-negative integer`);
}

/** Parses ('storage', StorageType, key, location, numel[, view_metadata]). */
export function parseStoragePid(pid: PyValue): StoragePid {
  const items = sequenceItems(pid);
  if (!items || items.length < 5 || items[0] !== 'storage') {
    throw new CorruptCheckpointError('torch storage id is not a (storage, type, key, location, size) tuple');
  }
  const type = storageTypeOf(items[1]);
  const key = items[2];
  if (typeof key !== 'string') throw new CorruptCheckpointError('torch storage key is not a string');
  const storage = new TorchStorage(type, key, count(items[4], 'size'));
  const viewItems = items.length > 5 && items[5] !== null ? sequenceItems(items[5]) : null;
  if (items.length > 5 && items[5] !== null && viewItems?.length !== 3) {
    throw new CorruptCheckpointError('torch storage view metadata is malformed');
  }
  const view = viewItems
    ? {
        key: String(viewItems[0]),
        offset: count(viewItems[1], 'view offset'),
        numel: count(viewItems[2], 'view size'),
      }
    : null;
  return { key, storage, view };
}
