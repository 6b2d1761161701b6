// Turns torch tensors and numpy arrays (raw bytes + dtype + strides) into contiguous float32 TensorEntries.
// float32 data is copied bit for bit; other dtypes convert exactly where float32 can hold them.

import type { ReadBudget } from './budget.ts';
import { CheckpointTooLargeError, CorruptCheckpointError, UnsupportedCheckpointError } from './errors.ts';
import type { NdArray, TorchStorage, TorchTensor } from './py-values.ts';
import type { DType, TensorEntry } from './types.ts';

/** Largest tensor we materialise (elements); 2^28 floats = 1 GiB. */
export const MAX_TENSOR_ELEMENTS = 2 ** 28;

const ITEM_SIZE: Readonly<Record<DType, number>> = {
  float32: 4,
  float16: 2,
  bfloat16: 2,
  float64: 8,
  int64: 8,
  int32: 4,
  int8: 1,
  uint8: 1,
  bool: 1,
};

export function itemSize(dtype: DType): number {
  return ITEM_SIZE[dtype];
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** An aligned copy of the bytes, byte-swapped per element when the source is big-endian. */
function alignedCopy(bytes: Uint8Array, size: number, littleEndian: boolean): ArrayBuffer {
  const copy = bytes.slice();
  if (littleEndian !== HOST_LITTLE_ENDIAN && size > 1) {
    for (let i = 0; i < copy.length; i += size) copy.subarray(i, i + size).reverse();
  }
  return copy.buffer;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Decodes `bytes` (a whole number of elements) to float32 values. */
export function decodeToFloat32(bytes: Uint8Array, dtype: DType, littleEndian = true): Float32Array {
  const size = ITEM_SIZE[dtype];
  if (bytes.length % size !== 0) throw new CorruptCheckpointError(`${dtype} data of ${bytes.length} bytes`);
  const buffer = alignedCopy(bytes, size, littleEndian);
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer);
    case 'float64':
      return Float32Array.from(new Float64Array(buffer));
    case 'float16':
      return Float32Array.from(new Uint16Array(buffer), halfToFloat);
    case 'bfloat16': {
      // bfloat16 is the top half of a float32: widen by shifting the bits.
      const widened = Uint32Array.from(new Uint16Array(buffer), (h) => h << 16);
      return new Float32Array(widened.buffer);
    }
    case 'int64':
      return Float32Array.from(new BigInt64Array(buffer), (v) => Number(v));
    case 'int32':
      return Float32Array.from(new Int32Array(buffer));
    case 'int8':
      return Float32Array.from(new Int8Array(buffer));
    case 'uint8':
      return Float32Array.from(new Uint8Array(buffer));
    case 'bool':
      return Float32Array.from(new Uint8Array(buffer), (v) => (v ? 1 : 0));
  }
}

export function elementCount(shape: number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new CorruptCheckpointError(`bad dimension ${d}`);
    n *= d;
    if (n > MAX_TENSOR_ELEMENTS) {
      throw new CheckpointTooLargeError(
        `tensor of shape [${shape.join(', ')}] exceeds ${MAX_TENSOR_ELEMENTS} elements`,
      );
    }
  }
  return n;
}

function rowMajorStrides(shape: number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

function isRowMajor(shape: number[], stride: number[]): boolean {
  const expected = rowMajorStrides(shape);
  return shape.every((d, i) => d <= 1 || stride[i] === expected[i]);
}

/** Copies a strided view of `source` (starting at `offset`) into a new row-major array. */
export function gatherStrided(
  source: Float32Array,
  offset: number,
  shape: number[],
  stride: number[],
): Float32Array {
  const count = elementCount(shape);
  const out = new Float32Array(count);
  if (count === 0) return out;
  const index = new Array<number>(shape.length).fill(0);
  let at = offset;
  for (let i = 0; i < count; i++) {
    out[i] = source[at];
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d]++;
      at += stride[d];
      if (index[d] < shape[d]) break;
      at -= stride[d] * shape[d];
      index[d] = 0;
    }
  }
  return out;
}

/**
 * The storage's elements as float32, decoded once per storage and shared: a little-endian float32 storage
 * at an aligned offset is a view (no copy), anything else is converted once, charged to the budget first.
 */
function storageFloats(storage: TorchStorage, budget: ReadBudget | undefined): Float32Array {
  if (storage.floats) return storage.floats;
  const root = storage.root;
  if (root) {
    const floats = storageFloats(root, budget);
    storage.floats = floats.subarray(storage.rootOffset, storage.rootOffset + storage.numel);
    return storage.floats;
  }
  if (!storage.bytes) throw new CorruptCheckpointError(`storage ${storage.key} has no data`);
  const size = storage.type.itemSize;
  const bytes = storage.bytes.subarray(0, storage.numel * size);
  if (bytes.length !== storage.numel * size)
    throw new CorruptCheckpointError(`storage ${storage.key} is shorter than its ${storage.numel} elements`);
  if (storage.type.dtype === 'float32' && HOST_LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) {
    storage.floats = new Float32Array(bytes.buffer, bytes.byteOffset, storage.numel);
  } else {
    budget?.allocate(storage.numel * 4, `storage ${storage.key}`);
    storage.floats = decodeToFloat32(bytes, storage.type.dtype);
  }
  return storage.floats;
}

/** Float32 bytes a tensor will take once materialised (for budgets computed before any decoding). */
export function materialisedBytes(shape: number[]): number {
  return elementCount(shape) * 4;
}

export function tensorToEntry(tensor: TorchTensor, budget?: ReadBudget): TensorEntry {
  const { storage, offset, shape, stride } = tensor;
  const dtype = storage.type.dtype;
  const count = elementCount(shape);
  if (count === 0) return { shape: [...shape], data: new Float32Array(0), dtype };
  if (count > storage.numel) {
    // Only expanded (stride-0) views outgrow their storage; state dicts never hold them, bombs might.
    throw new UnsupportedCheckpointError(
      `tensor of ${count} elements over a ${storage.numel}-element storage`,
    );
  }
  const last = shape.reduce((acc, d, i) => acc + (d - 1) * stride[i], offset);
  if (offset < 0 || last >= storage.numel)
    throw new CorruptCheckpointError(`tensor overruns storage ${storage.key}`);
  budget?.allocate(count * 4, `tensor over storage ${storage.key}`);
  const floats = storageFloats(storage, budget);
  const data = isRowMajor(shape, stride)
    ? floats.slice(offset, offset + count)
    : gatherStrided(floats, offset, shape, stride);
  return { shape: [...shape], data, dtype };
}

export function ndarrayToEntry(array: NdArray, budget?: ReadBudget): TensorEntry {
  const dtype = array.dtype.dtype;
  if (!dtype) throw new UnsupportedCheckpointError(`numpy dtype ${array.dtype.code} cannot become a tensor`);
  const count = elementCount(array.shape);
  // The decode copies once and a Fortran array gathers once more.
  budget?.allocate(count * 4 * (array.fortran ? 2 : 1), 'numpy array');
  if (array.data.length !== count * ITEM_SIZE[dtype]) {
    throw new CorruptCheckpointError(`numpy array of ${count} ${dtype} holds ${array.data.length} bytes`);
  }
  const values = decodeToFloat32(array.data, dtype, array.dtype.littleEndian);
  if (!array.fortran || array.shape.length < 2) return { shape: [...array.shape], data: values, dtype };
  // Fortran order: element (i, j, …) sits at i + j·n0 + …; gather it into row-major order.
  const fortranStrides = rowMajorStrides([...array.shape].reverse()).reverse();
  return { shape: [...array.shape], data: gatherStrided(values, 0, array.shape, fortranStrides), dtype };
}
