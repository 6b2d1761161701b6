// The one image decoder behind decodeImageNode and decodeImageBrowser: sniff, check the header, decode, RGB.

import { preprocess, resizeAndCrop } from '../../core/pixels/preprocess.ts';
import type { ImageDecoder, ResizeRule, RgbImage } from '../../core/types.ts';
import { DecodeError } from './errors.ts';
import { decodeCmykJpeg, JpegDecoder } from './jpeg.ts';
import { decodePng } from './png.ts';
import { checkPng, PngCheckError } from './png-check.ts';
import { headerSize, type ImageFormat, jpegHeader, MAX_PIXELS, sniffFormat } from './sniff.ts';

function checkedSize(key: string, format: ImageFormat, bytes: Uint8Array) {
  const size = headerSize(format, bytes);
  if (!size || size.width === 0 || size.height === 0) {
    throw new DecodeError(key, 'corrupt or truncated', 'no valid image header');
  }
  if (size.width * size.height > MAX_PIXELS) {
    throw new DecodeError(
      key,
      'over 50 megapixels: refused before decoding',
      `${size.width}×${size.height} = ${((size.width * size.height) / 1e6).toFixed(1)} MP`,
    );
  }
  return size;
}

/** Every chunk checked and the image data's inflated size bounded before the decoder sees the file. */
function checkedPng(key: string, bytes: Uint8Array): void {
  try {
    checkPng(bytes);
  } catch (err) {
    if (!(err instanceof PngCheckError)) throw err;
    if (err.tooLarge) throw new DecodeError(key, 'over 50 megapixels: refused before decoding', err.message);
    throw new DecodeError(key, 'corrupt or truncated', err.message);
  }
}

function decodeOrExplain(key: string, decode: () => RgbImage | Promise<RgbImage>): Promise<RgbImage> {
  return Promise.resolve()
    .then(decode)
    .catch((err: unknown) => {
      if (err instanceof DecodeError) throw err;
      throw new DecodeError(key, 'corrupt or truncated', err instanceof Error ? err.message : String(err));
    });
}

/** Builds the decoder; `loadJpegWasm` compiles the MozJPEG wasm the platform's way (fs in Node, fetch in a browser). */
export function createImageDecoder(loadJpegWasm: () => Promise<WebAssembly.Module>): ImageDecoder {
  const jpeg = new JpegDecoder(loadJpegWasm);
  return async (bytes: Uint8Array, key: string): Promise<RgbImage> => {
    if (bytes.length === 0) throw new DecodeError(key, 'zero-byte file');
    const format = sniffFormat(bytes);
    if (!format) throw new DecodeError(key, 'not an image', 'no PNG or JPEG signature');
    if (format !== 'png' && format !== 'jpeg') {
      throw new DecodeError(
        key,
        'unsupported image format',
        `${format.toUpperCase()}: convert it to PNG or JPEG`,
      );
    }
    checkedSize(key, format, bytes);
    if (format === 'png') {
      checkedPng(key, bytes);
      return decodeOrExplain(key, () => decodePng(bytes));
    }
    const components = jpegHeader(bytes)?.components ?? 3;
    return decodeOrExplain(key, () => (components === 4 ? decodeCmykJpeg(bytes) : jpeg.decode(bytes)));
  };
}

/** Bytes -> model input (crop·crop·3 float32, HWC, [0, 1]) exactly as PIL + torchvision would make it. */
export async function pixelsFromBytes(
  decode: ImageDecoder,
  bytes: Uint8Array,
  key: string,
  rule: ResizeRule,
): Promise<Float32Array> {
  return preprocess(await decode(bytes, key), rule);
}

/**
 * Bytes -> the 8-bit crop under each rule (crop·crop·3, before the /255 of ToTensor), from one decode: what
 * the pixel workers answer (a quarter of the float bytes to transfer; the float conversion is a table lookup).
 */
export async function cropsFromBytes(
  decode: ImageDecoder,
  bytes: Uint8Array,
  key: string,
  rules: readonly ResizeRule[],
): Promise<Uint8Array[]> {
  const img = await decode(bytes, key);
  return rules.map((rule) => resizeAndCrop(img, rule).data);
}
