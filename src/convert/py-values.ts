// The inert values a restricted unpickle produces. Nothing here can run code: a Python class the
// allow-list knows only as a record (argparse.Namespace, BYOL's NamedTuple…) becomes a PyObject
// holding its constructor arguments and state as plain data.

import type { DType } from './types.ts';

export class PyBytes {
  constructor(readonly bytes: Uint8Array) {}
}

/**
 * A long text left as UTF-8 bytes. Protocol 2 stores every bytes object (numpy array data!) as a latin-1
 * text passed to _codecs.encode; decoding it to a JS string and back costs seconds per 100 MB, so long
 * texts stay bytes and _codecs.encode converts them in one pass. No name or key is ever this long.
 */
export class PyLongText {
  constructor(readonly utf8: Uint8Array) {}
}

export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

export type PyDictKey = string | number | bigint | boolean | null;

export class PyDict {
  readonly entries = new Map<PyDictKey, PyValue>();
  /** Attributes set by BUILD (e.g. a state dict's `_metadata`); kept, never interpreted. */
  attributes: PyValue = null;

  get(key: PyDictKey): PyValue | undefined {
    return this.entries.get(key);
  }

  set(key: PyValue, value: PyValue): void {
    this.entries.set(dictKey(key), value);
  }
}

export class PySet {
  constructor(readonly items: PyValue[]) {}
}

/** A name the pickle referred to, already checked against the allow-list. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}

  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/** An instance of an allow-listed record class, kept as data. */
export class PyObject {
  state: PyValue = null;
  constructor(
    readonly className: string,
    readonly args: PyValue[],
  ) {}
}

export interface StorageType {
  dtype: DType;
  /** Bytes per element. */
  itemSize: number;
}

/** A torch storage: a typed, flat run of elements, bytes resolved now (zip) or later (legacy). */
export class TorchStorage {
  bytes: Uint8Array | null = null;
  /** Its elements as float32, decoded once and shared by every tensor over it (tensors.ts). */
  floats: Float32Array | null = null;
  constructor(
    readonly type: StorageType,
    readonly key: string,
    readonly numel: number,
    /** Legacy views share a root storage: element offset into it. */
    readonly root: TorchStorage | null = null,
    readonly rootOffset = 0,
  ) {}
}

export class TorchTensor {
  constructor(
    readonly storage: TorchStorage,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}

export interface NumpyDType {
  /** Kind and size without byte order, e.g. 'f4'. */
  code: string;
  /** Null for kinds the converter does not read (u4, c8, objects…): they load, but cannot become tensors. */
  dtype: DType | null;
  itemSize: number;
  littleEndian: boolean;
}

/** A numpy array: raw bytes in the given order (C or Fortran). */
export class NdArray {
  constructor(
    public dtype: NumpyDType,
    public shape: number[],
    public fortran: boolean,
    public data: Uint8Array,
  ) {}
}

export class NumpyDTypeValue {
  constructor(public value: NumpyDType) {}
}

export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyBytes
  | PyLongText
  | PyValue[]
  | PyTuple
  | PyDict
  | PySet
  | PyGlobal
  | PyObject
  | TorchStorage
  | TorchTensor
  | NdArray
  | NumpyDTypeValue;

/** Longest text a tuple key is rendered to: nested shared tuples would otherwise grow exponentially. */
const MAX_KEY_TEXT = 256;

export function dictKey(key: PyValue): PyDictKey {
  if (key === null || typeof key !== 'object') return key;
  if (key instanceof PyTuple) return tupleKey(key, { left: MAX_KEY_TEXT }, 0);
  if (key instanceof PyBytes) return `b'${key.bytes.length} bytes'`;
  return `<${key.constructor.name}>`;
}

/** Renders a tuple key, spending a shared character budget: work and size stay bounded whatever the nesting. */
function tupleKey(key: PyTuple, budget: { left: number }, depth: number): string {
  if (depth > 8 || budget.left <= 0) return '(…)';
  const parts: string[] = [];
  for (const item of key.items) {
    if (budget.left <= 0) {
      parts.push('…');
      break;
    }
    const text =
      item instanceof PyTuple
        ? tupleKey(item, budget, depth + 1)
        : String(dictKey(item)).slice(0, budget.left);
    budget.left -= text.length + 2;
    parts.push(text);
  }
  return `(${parts.join(', ')})`;
}

/** Items of a tuple or list; null for anything else. */
export function sequenceItems(value: PyValue): PyValue[] | null {
  if (value instanceof PyTuple) return value.items;
  if (Array.isArray(value)) return value;
  return null;
}

export function describe(value: PyValue): string {
  if (value === null) return 'None';
  if (typeof value !== 'object') return typeof value;
  if (value instanceof PyGlobal) return value.qualified;
  if (value instanceof PyObject) return `${value.className} instance`;
  return Array.isArray(value) ? 'list' : value.constructor.name;
}
