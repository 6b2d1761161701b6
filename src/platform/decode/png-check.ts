// Every PNG chunk is checked before a single byte of image data is inflated: one IHDR, first, with
// dimensions under the pixel cap; chunk lengths inside the file; then the image data is inflated once,
// in small pushes, counting output and stopping at the size the header implies (a 2 MB file that would
// inflate to 2 GiB stops after a few MB of work, with nothing kept). Only then does the decoder run.

import { Unzlib } from 'fflate';
import { MAX_PIXELS } from './sniff.ts';

export class PngCheckError extends Error {
  constructor(
    message: string,
    readonly tooLarge = false,
  ) {
    super(message);
    this.name = 'PngCheckError';
  }
}

export interface PngHeader {
  width: number;
  height: number;
  depth: number;
  colourType: number;
  interlaced: boolean;
}

const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Readonly<Record<number, number[]>> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
/** Compressed bytes pushed at a time: deflate expands at most ~1032×, so one push yields ≤ ~1 MB. */
const PUSH_BYTES = 1024;
/** Chunks longer than this are not a PNG's (the format allows 2^31 − 1; no real image needs it). */
const MAX_CHUNK_BYTES = 2 ** 30;

const u32 = (b: Uint8Array, i: number) =>
  ((b[i] << 24) >>> 0) + (b[i + 1] << 16) + (b[i + 2] << 8) + b[i + 3];
const typeOf = (b: Uint8Array, i: number) => String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3]);

function readHeader(b: Uint8Array, at: number): PngHeader {
  const width = u32(b, at);
  const height = u32(b, at + 4);
  const depth = b[at + 8];
  const colourType = b[at + 9];
  if (width === 0 || height === 0) throw new PngCheckError(`IHDR gives ${width}×${height} pixels`);
  if (width * height > MAX_PIXELS) {
    throw new PngCheckError(`${width}×${height} = ${((width * height) / 1e6).toFixed(1)} MP`, true);
  }
  if (!DEPTHS[colourType]?.includes(depth))
    throw new PngCheckError(`IHDR: bit depth ${depth} with colour type ${colourType}`);
  if (b[at + 12] > 1) throw new PngCheckError(`IHDR: interlace method ${b[at + 12]}`);
  return { width, height, depth, colourType, interlaced: b[at + 12] === 1 };
}

/** Bytes of filtered scanlines the header implies (all seven passes when interlaced). */
export function expectedRawBytes(h: PngHeader): number {
  const bitsPerPixel = CHANNELS[h.colourType] * h.depth;
  const rows = (w: number, n: number) =>
    w === 0 || n === 0 ? 0 : n * (1 + Math.ceil((w * bitsPerPixel) / 8));
  if (!h.interlaced) return rows(h.width, h.height);
  const passes = [
    [0, 0, 8, 8],
    [4, 0, 8, 8],
    [0, 4, 4, 8],
    [2, 0, 4, 4],
    [0, 2, 2, 4],
    [1, 0, 2, 2],
    [0, 1, 1, 2],
  ];
  let total = 0;
  for (const [x0, y0, dx, dy] of passes) {
    total += rows(Math.ceil((h.width - x0) / dx), Math.ceil((h.height - y0) / dy));
  }
  return total;
}

/** Walks the chunks: IHDR first and once, lengths inside the file, IDAT runs collected. */
function walkChunks(b: Uint8Array): { header: PngHeader; idat: Uint8Array[] } {
  let header: PngHeader | null = null;
  const idat: Uint8Array[] = [];
  let at = 8;
  while (at + 12 <= b.length) {
    const length = u32(b, at);
    const type = typeOf(b, at + 4);
    if (length > MAX_CHUNK_BYTES || at + 12 + length > b.length) {
      throw new PngCheckError(`${type} chunk of ${length} bytes runs past the end of the file`);
    }
    if (type === 'IHDR') {
      if (header) throw new PngCheckError('a second IHDR chunk');
      if (at !== 8 || length !== 13) throw new PngCheckError('IHDR is not the first 13-byte chunk');
      header = readHeader(b, at + 8);
    } else if (!header) {
      throw new PngCheckError(`${type} chunk before IHDR`);
    } else if (type === 'IDAT') {
      idat.push(b.subarray(at + 8, at + 8 + length));
    } else if (type === 'IEND') {
      return { header, idat };
    }
    at += 12 + length;
  }
  if (!header) throw new PngCheckError('no IHDR chunk');
  // No IEND: a truncated file; the decoder reports what is missing.
  return { header, idat };
}

/** Inflates the IDAT stream counting output only; throws once it passes `cap`. Returns the inflated size. */
function inflatedSize(idat: Uint8Array[], cap: number): number {
  let total = 0;
  const unzlib = new Unzlib((chunk) => {
    total += chunk.length;
    if (total > cap) {
      throw new PngCheckError(`image data inflates past the ${cap} bytes its header implies`, false);
    }
  });
  try {
    for (const part of idat) {
      for (let i = 0; i < part.length; i += PUSH_BYTES) unzlib.push(part.subarray(i, i + PUSH_BYTES), false);
    }
    unzlib.push(new Uint8Array(0), true);
  } catch (err) {
    if (err instanceof PngCheckError) throw err;
    throw new PngCheckError(`bad image data (${err instanceof Error ? err.message : String(err)})`);
  }
  return total;
}

/** Checks the whole PNG structure and the image data's inflated size; returns the header. */
export function checkPng(bytes: Uint8Array): PngHeader {
  const { header, idat } = walkChunks(bytes);
  if (idat.length === 0) throw new PngCheckError('no image data (IDAT)');
  inflatedSize(idat, expectedRawBytes(header));
  return header;
}
