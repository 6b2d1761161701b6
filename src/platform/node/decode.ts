// Node's image decoder: the shared PIL-exact decoder, with the MozJPEG wasm read from node_modules.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { ImageDecoder, ResizeRule } from '../../core/types.ts';
import { createImageDecoder, cropsFromBytes, pixelsFromBytes } from '../decode/decoder.ts';

export { DecodeError, issueFromDecodeError } from '../decode/errors.ts';

const require = createRequire(import.meta.url);

async function loadJpegWasm(): Promise<WebAssembly.Module> {
  const path = require.resolve('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm');
  return WebAssembly.compile(await readFile(path));
}

export const decodeImageNode: ImageDecoder = createImageDecoder(loadJpegWasm);

/** For a Worker: encoded bytes + a ResizeRule -> the exact model input (crop·crop·3 float32 HWC in [0, 1]). */
export function preprocessBytesNode(bytes: Uint8Array, key: string, rule: ResizeRule): Promise<Float32Array> {
  return pixelsFromBytes(decodeImageNode, bytes, key, rule);
}

/** For a Worker: encoded bytes + several rules -> the 8-bit crop under each, from one decode. */
export function cropBytesNode(
  bytes: Uint8Array,
  key: string,
  rules: readonly ResizeRule[],
): Promise<Uint8Array[]> {
  return cropsFromBytes(decodeImageNode, bytes, key, rules);
}
