// Node's image decoder: the shared PIL-exact decoder, with the MozJPEG wasm read from node_modules.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { ImageDecoder } from '../../core/types.ts';
import { createImageDecoder } from '../decode/decoder.ts';

export { DecodeError } from '../decode/errors.ts';

const require = createRequire(import.meta.url);

async function loadJpegWasm(): Promise<WebAssembly.Module> {
  const path = require.resolve('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm');
  return WebAssembly.compile(await readFile(path));
}

export const decodeImageNode: ImageDecoder = createImageDecoder(loadJpegWasm);
