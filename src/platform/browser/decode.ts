// The browser's image decoder (page or Worker, no DOM needed): the same code as Node's, so pixels are equal
// in both. Canvas/createImageBitmap are deliberately not used: Chromium's JPEG decoder (different IDCT and
// upsampling) and its colour management would not give PIL's pixels.

import wasmUrl from '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm?url';
import type { ImageDecoder, ResizeRule } from '../../core/types.ts';
import { createImageDecoder, cropsFromBytes, pixelsFromBytes } from '../decode/decoder.ts';

export { DecodeError, issueFromDecodeError } from '../decode/errors.ts';

async function loadJpegWasm(): Promise<WebAssembly.Module> {
  const response = await fetch(wasmUrl);
  if (!response.ok) throw new Error(`could not load the JPEG decoder (${wasmUrl}: HTTP ${response.status})`);
  return WebAssembly.compile(await response.arrayBuffer());
}

export const decodeImageBrowser: ImageDecoder = createImageDecoder(loadJpegWasm);

/** For a Worker: encoded bytes + a ResizeRule -> the exact model input (crop·crop·3 float32 HWC in [0, 1]). */
export function preprocessBytesBrowser(
  bytes: Uint8Array,
  key: string,
  rule: ResizeRule,
): Promise<Float32Array> {
  return pixelsFromBytes(decodeImageBrowser, bytes, key, rule);
}

/** For a Worker: encoded bytes + several rules -> the 8-bit crop under each, from one decode. */
export function cropBytesBrowser(
  bytes: Uint8Array,
  key: string,
  rules: readonly ResizeRule[],
): Promise<Uint8Array[]> {
  return cropsFromBytes(decodeImageBrowser, bytes, key, rules);
}
