// numpy's .npy format (magic, version, a Python-literal header, raw data). Pickled numpy arrays are
// rebuilt by the unpickler itself (pickle-globals.ts); both end in tensors.ts's ndarrayToEntry.

import { ByteReader, decodeLatin1 } from './byte-reader.ts';
import { CorruptCheckpointError } from './errors.ts';
import { numpyDType } from './pickle-globals.ts';
import { NdArray } from './py-values.ts';
import { elementCount, ndarrayToEntry } from './tensors.ts';
import type { TensorEntry } from './types.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length > 10 && MAGIC.every((b, i) => bytes[i] === b);
}

function field(header: string, name: string): string {
  const m = new RegExp(`['"]${name}['"]\\s*:\\s*('[^']*'|"[^"]*"|True|False|\\([^)]*\\))`).exec(header);
  if (!m) throw new CorruptCheckpointError(`npy: header lacks '${name}'`);
  return m[1];
}

export function readNpyArray(bytes: Uint8Array): NdArray {
  if (!isNpy(bytes)) throw new CorruptCheckpointError('npy: bad magic');
  const r = new ByteReader(bytes, 'npy header', 6);
  const major = r.u8();
  r.u8();
  const headerLength = major === 1 ? r.u16() : r.u32();
  const header = decodeLatin1(r.take(headerLength));
  const descr = field(header, 'descr').slice(1, -1);
  const fortran = field(header, 'fortran_order') === 'True';
  const shapeText = field(header, 'shape').slice(1, -1).trim();
  const shape =
    shapeText === ''
      ? []
      : shapeText
          .split(',')
          .filter((s) => s.trim() !== '')
          .map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0))
    throw new CorruptCheckpointError('npy: bad shape');
  const dtype = numpyDType(descr);
  const data = r.take(elementCount(shape) * dtype.itemSize);
  return new NdArray(dtype, shape, fortran, data);
}

export function readNpy(bytes: Uint8Array): TensorEntry {
  return ndarrayToEntry(readNpyArray(bytes));
}
