// A bounds-checked cursor over a byte array: every read checks the remaining length first,
// so truncated or lying inputs end in a CorruptCheckpointError instead of reading garbage.

import { CorruptCheckpointError } from './errors.ts';

export class ByteReader {
  readonly bytes: Uint8Array;
  pos: number;
  private readonly view: DataView;
  private readonly what: string;

  constructor(bytes: Uint8Array, what: string, start = 0) {
    this.bytes = bytes;
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.what = what;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  private need(n: number): number {
    if (!Number.isSafeInteger(n) || n < 0 || n > this.remaining) {
      throw new CorruptCheckpointError(
        `${this.what}: truncated at byte ${this.pos} (needed ${n} more bytes, ${this.remaining} left)`,
      );
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(): number {
    return this.bytes[this.need(1)];
  }

  u16(): number {
    return this.view.getUint16(this.need(2), true);
  }

  u32(): number {
    return this.view.getUint32(this.need(4), true);
  }

  i32(): number {
    return this.view.getInt32(this.need(4), true);
  }

  /** A little-endian u64 that must fit a safe integer (sizes and offsets). */
  u64(): number {
    const at = this.need(8);
    const value = this.view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new CorruptCheckpointError(`${this.what}: 64-bit size ${value} at byte ${at} is out of range`);
    }
    return Number(value);
  }

  i64(): bigint {
    return this.view.getBigInt64(this.need(8), true);
  }

  f64be(): number {
    return this.view.getFloat64(this.need(8), false);
  }

  /** A view (no copy) of the next n bytes. */
  take(n: number): Uint8Array {
    const at = this.need(n);
    return this.bytes.subarray(at, at + n);
  }

  /** Bytes up to (not including) the next '\n', which is consumed. */
  line(): Uint8Array {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) throw new CorruptCheckpointError(`${this.what}: truncated text line at byte ${this.pos}`);
    const out = this.bytes.subarray(this.pos, end);
    this.pos = end + 1;
    return out;
  }
}

const utf8 = new TextDecoder('utf-8');

export function decodeUtf8(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

export function decodeLatin1(bytes: Uint8Array): string {
  let out = '';
  const chunk = 8192;
  for (let i = 0; i < bytes.length; i += chunk) {
    out += String.fromCharCode(...bytes.subarray(i, Math.min(i + chunk, bytes.length)));
  }
  return out;
}
