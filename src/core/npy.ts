// NumPy .npy (format 1.0–3.0) reading and writing on plain bytes: the CLI's feature/label exchange format.
// Pure: no fs here, so the browser can use it on File bytes too.

export type NpyDtype = '<f4' | '<f8' | '<i4' | '<i8' | '<i2' | '<u2' | '<u4' | '|u1' | '|i1' | '|b1';

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** Values as float64 numbers for floats, or int32/uint32 for integers (int64 narrowed with a range check). */
  data:
    | Float32Array
    | Float64Array
    | Int32Array
    | Uint8Array
    | Int8Array
    | Int16Array
    | Uint16Array
    | Uint32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function parseHeader(text: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new Error(`not a valid .npy header: ${text.trim()}`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  return { descr, fortran: fortran === 'True', shape };
}

function readInt64(bytes: Uint8Array, count: number): Int32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const v = view.getBigInt64(i * 8, true);
    if (v > 2147483647n || v < -2147483648n) throw new RangeError(`int64 value ${v} does not fit in int32`);
    out[i] = Number(v);
  }
  return out;
}

/** Copies `count` elements out of `bytes` (which may be unaligned) into a fresh typed array. */
function typedCopy(dtype: NpyDtype, bytes: Uint8Array, count: number): NpyArray['data'] {
  // A fresh buffer at offset 0 so every element size is aligned (Node's Buffer.slice would share memory).
  const aligned = new Uint8Array(bytes.length);
  aligned.set(bytes);
  switch (dtype) {
    case '<f4':
      return new Float32Array(aligned.buffer, 0, count);
    case '<f8':
      return new Float64Array(aligned.buffer, 0, count);
    case '<i4':
      return new Int32Array(aligned.buffer, 0, count);
    case '<i8':
      return readInt64(aligned, count);
    case '<i2':
      return new Int16Array(aligned.buffer, 0, count);
    case '<u2':
      return new Uint16Array(aligned.buffer, 0, count);
    case '<u4':
      return new Uint32Array(aligned.buffer, 0, count);
    case '|i1':
      return new Int8Array(aligned.buffer, 0, count);
    case '|u1':
    case '|b1':
      return new Uint8Array(aligned.buffer, 0, count);
  }
}

const ITEM_SIZE: Record<NpyDtype, number> = {
  '<f4': 4,
  '<f8': 8,
  '<i4': 4,
  '<i8': 8,
  '<i2': 2,
  '<u2': 2,
  '<u4': 4,
  '|u1': 1,
  '|i1': 1,
  '|b1': 1,
};

export function readNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new Error('not a .npy file (bad magic)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, headerStart + headerLen));
  const { descr, fortran, shape } = parseHeader(header);
  // '=' and '<' are the same on every platform the lab runs on (little-endian).
  const dtype = descr.replace(/^=/, '<') as NpyDtype;
  if (!(dtype in ITEM_SIZE)) throw new Error(`unsupported .npy dtype '${descr}' (big-endian or exotic)`);
  if (fortran && shape.length > 1) throw new Error('Fortran-ordered .npy arrays are not supported');
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLen;
  const dataBytes = bytes.subarray(dataStart, dataStart + count * ITEM_SIZE[dtype]);
  if (dataBytes.length !== count * ITEM_SIZE[dtype]) throw new Error('.npy file is truncated');
  return { dtype, shape, data: typedCopy(dtype, dataBytes, count) };
}

function dtypeOf(data: Float32Array | Float64Array | Int32Array): NpyDtype {
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Float64Array) return '<f8';
  return '<i4';
}

/** Writes a C-ordered .npy (version 1.0) of a float32, float64 or int32 array. */
export function writeNpy(data: Float32Array | Float64Array | Int32Array, shape: number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`shape [${shape}] does not match ${data.length} values`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${dtypeOf(data)}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Pad with spaces so the data starts on a 64-byte boundary, newline-terminated (the format's rule).
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

/** A 2-D float32 matrix view of an .npy array (1-D arrays become N×1). */
export function toFloat32Matrix(arr: NpyArray): { X: Float32Array; n: number; d: number } {
  if (arr.shape.length !== 1 && arr.shape.length !== 2)
    throw new Error(`expected a 2-D array, got shape [${arr.shape}]`);
  const n = arr.shape[0];
  const d = arr.shape.length === 2 ? arr.shape[1] : 1;
  const X = arr.data instanceof Float32Array ? arr.data : Float32Array.from(arr.data as ArrayLike<number>);
  return { X, n, d };
}

/** Integer labels from a 1-D .npy array (floats must be whole numbers). */
export function toLabels(arr: NpyArray): Int32Array {
  if (arr.shape.length !== 1) throw new Error(`labels must be 1-D, got shape [${arr.shape}]`);
  const out = new Int32Array(arr.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = Number(arr.data[i]);
    if (!Number.isInteger(v)) throw new Error(`label ${v} at index ${i} is not an integer`);
    out[i] = v;
  }
  return out;
}
