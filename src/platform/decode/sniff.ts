// Format detection and header dimensions, read before any pixel is decoded (so huge images are refused cheaply).

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'bmp' | 'webp' | 'tiff';

/** Refuse anything larger: decoding it would need >150 MB of RGB alone, and no backbone needs it. */
export const MAX_PIXELS = 50_000_000;

export function sniffFormat(b: Uint8Array): ImageFormat | null {
  const starts = (...sig: number[]) => sig.every((v, i) => b[i] === v);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'gif';
  if (starts(0x42, 0x4d)) return 'bmp';
  if (starts(0x52, 0x49, 0x46, 0x46) && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) {
    return 'webp';
  }
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return 'tiff';
  return null;
}

const u16be = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u32be = (b: Uint8Array, i: number) =>
  ((b[i] << 24) >>> 0) + (b[i + 1] << 16) + (b[i + 2] << 8) + b[i + 3];

export interface JpegHeader {
  width: number;
  height: number;
  components: number;
}

/** Walks JPEG marker segments up to the first SOFn frame header; null if none is found (corrupt). */
export function jpegHeader(b: Uint8Array): JpegHeader | null {
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    const length = u16be(b, i + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (i + 10 > b.length) return null;
      return { height: u16be(b, i + 5), width: u16be(b, i + 7), components: b[i + 9] };
    }
    i += 2 + length;
  }
  return null;
}

/** Header width/height of a PNG or JPEG; null when the header is missing or cut off. */
export function headerSize(format: ImageFormat, b: Uint8Array): { width: number; height: number } | null {
  if (format === 'png') {
    // IHDR must be the first chunk: length(4) 'IHDR'(4) width(4) height(4).
    if (b.length < 24 || b[12] !== 0x49 || b[13] !== 0x48 || b[14] !== 0x44 || b[15] !== 0x52) return null;
    return { width: u32be(b, 16), height: u32be(b, 20) };
  }
  if (format === 'jpeg') return jpegHeader(b);
  return null;
}
