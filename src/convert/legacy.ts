// PyTorch's legacy (pre-1.6) serialization: five pickles in a row — magic number, protocol version,
// system info, the object (storages as persistent ids), the list of storage keys — then, per key,
// an int64 element count followed by the raw little-endian elements.

import { ReadBudget } from './budget.ts';
import { ByteReader } from './byte-reader.ts';
import { CorruptCheckpointError, UnsupportedCheckpointError } from './errors.ts';
import { unpickle } from './pickle.ts';
import { PyDict, type PyValue, TorchStorage } from './py-values.ts';
import { parseStoragePid } from './torch-storage.ts';

const MAGIC = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;

/** Cheap sniff: a protocol-2 pickle whose first value is the 10-byte legacy magic LONG1. */
export function isLegacyTorch(bytes: Uint8Array): boolean {
  return bytes.length > 4 && bytes[0] === 0x80 && bytes[1] === 0x02 && bytes[2] === 0x8a && bytes[3] === 0x0a;
}

function checkHeader(bytes: Uint8Array): number {
  const magic = unpickle(bytes, { what: 'legacy magic number' });
  if (magic.value !== MAGIC) throw new CorruptCheckpointError('not a legacy torch file (bad magic number)');
  const protocol = unpickle(bytes, { what: 'legacy protocol version' }, magic.end);
  if (protocol.value !== PROTOCOL_VERSION) {
    throw new UnsupportedCheckpointError(`legacy torch protocol ${String(protocol.value)} is not supported`);
  }
  const sysInfo = unpickle(bytes, { what: 'legacy system info' }, protocol.end);
  if (sysInfo.value instanceof PyDict && sysInfo.value.get('little_endian') === false) {
    throw new UnsupportedCheckpointError('big-endian legacy torch files are not supported');
  }
  return sysInfo.end;
}

function collectRoots(bytes: Uint8Array, start: number, budget: ReadBudget) {
  const roots = new Map<string, TorchStorage>();
  const views = new Map<string, TorchStorage>();
  const persistentLoad = (pid: PyValue): PyValue => {
    const { key, storage, view } = parseStoragePid(pid);
    let root = roots.get(key);
    if (!root) {
      root = storage;
      roots.set(key, root);
    }
    if (!view) return root;
    const known = views.get(view.key);
    if (known) return known;
    if (view.offset + view.numel > root.numel)
      throw new CorruptCheckpointError(`storage view ${view.key} overruns ${key}`);
    const made = new TorchStorage(root.type, view.key, view.numel, root, view.offset);
    views.set(view.key, made);
    return made;
  };
  const object = unpickle(bytes, { persistentLoad, what: 'legacy object pickle', budget }, start);
  return { object, roots, views };
}

function readStorageData(
  bytes: Uint8Array,
  start: number,
  keys: PyValue,
  roots: Map<string, TorchStorage>,
): void {
  if (!Array.isArray(keys)) throw new CorruptCheckpointError('legacy storage key list is not a list');
  const r = new ByteReader(bytes, 'legacy storage data', start);
  for (const key of keys) {
    const root = typeof key === 'string' ? roots.get(key) : undefined;
    if (!root) throw new CorruptCheckpointError(`legacy storage key ${String(key)} is not referenced`);
    if (root.bytes) throw new CorruptCheckpointError(`legacy storage ${key} is listed twice`);
    const count = r.i64();
    if (count < 0n || count !== BigInt(root.numel)) {
      throw new CorruptCheckpointError(
        `legacy storage ${key} holds ${count} elements, ${root.numel} expected`,
      );
    }
    root.bytes = r.take(root.numel * root.type.itemSize);
  }
}

export function readTorchLegacy(bytes: Uint8Array, budget: ReadBudget = new ReadBudget()): PyValue {
  const objectStart = checkHeader(bytes);
  const { object, roots, views } = collectRoots(bytes, objectStart, budget);
  const keys = unpickle(bytes, { what: 'legacy storage keys', budget }, object.end);
  readStorageData(bytes, keys.end, keys.value, roots);
  for (const view of views.values()) {
    const root = view.root as TorchStorage;
    if (!root.bytes) continue;
    const from = view.rootOffset * root.type.itemSize;
    view.bytes = root.bytes.subarray(from, from + view.numel * root.type.itemSize);
  }
  for (const [key, root] of roots) {
    if (!root.bytes) throw new CorruptCheckpointError(`legacy storage ${key} has no data`);
  }
  return object.value;
}
