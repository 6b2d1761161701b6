// PyTorch ≥ 1.6 checkpoints: a zip of `<name>/data.pkl` and one raw entry per storage, `<name>/data/<key>`.

import { ReadBudget } from './budget.ts';
import { CorruptCheckpointError, UnsupportedCheckpointError } from './errors.ts';
import { unpickle } from './pickle.ts';
import type { PyValue, TorchStorage } from './py-values.ts';
import { parseStoragePid } from './torch-storage.ts';
import { DEFAULT_ZIP_LIMITS, ZipArchive, type ZipLimits } from './zip.ts';

function findPickle(archive: ZipArchive): string {
  const candidates = archive.names.filter((n) => n === 'data.pkl' || n.endsWith('/data.pkl'));
  if (candidates.length === 0)
    throw new CorruptCheckpointError('zip holds no data.pkl: not a torch checkpoint');
  return candidates.sort((a, b) => a.length - b.length)[0];
}

export function readTorchZip(
  bytes: Uint8Array,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
  budget: ReadBudget = new ReadBudget(),
): PyValue {
  const archive = new ZipArchive(bytes, limits);
  const pickleName = findPickle(archive);
  const prefix = pickleName.slice(0, -'data.pkl'.length);
  // torch ≥ 2.1 records the writer's byte order; older files are little-endian.
  if (archive.entries.has(`${prefix}byteorder`)) {
    const order = new TextDecoder().decode(archive.read(`${prefix}byteorder`, { budget })).trim();
    if (order !== 'little') throw new UnsupportedCheckpointError(`torch file written ${order}-endian`);
  }
  const storages = new Map<string, TorchStorage>();
  const persistentLoad = (pid: PyValue): PyValue => {
    const parsed = parseStoragePid(pid);
    const known = storages.get(parsed.key);
    if (known) return known;
    const storage = parsed.storage;
    // Each storage is read (inflated) once, at the size its persistent id declares, and shared by its tensors.
    storage.bytes = archive.read(`${prefix}data/${parsed.key}`, {
      expectedSize: storage.numel * storage.type.itemSize,
      budget,
    });
    storages.set(parsed.key, storage);
    return storage;
  };
  return unpickle(archive.read(pickleName, { budget }), { persistentLoad, what: pickleName, budget }).value;
}
