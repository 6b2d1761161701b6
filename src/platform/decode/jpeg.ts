// JPEG via libjpeg-turbo's decoder compiled to wasm (MozJPEG from @jsquash/jpeg): ISLOW IDCT and fancy
// upsampling, the same code path as PIL 9.4 on Debian, so decoded pixels equal PIL's bit for bit (measured
// on the parity corpus). The same wasm runs in Node and in a browser Worker. libjpeg cannot turn CMYK/YCCK
// into RGB, so 4-component files go through jpeg-js (pure JS, a few levels from PIL).

import createMozjpeg from '@jsquash/jpeg/codec/dec/mozjpeg_dec.js';
import jpegJs from 'jpeg-js';
import { rgbaToRgb } from '../../core/pixels/convert.ts';
import type { RgbImage } from '../../core/types.ts';
import { MAX_PIXELS } from './sniff.ts';

interface MozjpegModule {
  decode(
    data: BufferSource,
    preserveOrientation: boolean,
  ): { data: Uint8ClampedArray; width: number; height: number } | null;
}

type MozjpegFactory = (opts: {
  noInitialRun: boolean;
  instantiateWasm: (imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance) => void) => object;
  print: (s: string) => void;
  printErr: (s: string) => void;
}) => Promise<MozjpegModule>;

/** libjpeg's warning when the data stops before the end of the image; PIL raises "image file is truncated". */
const TRUNCATED_WARNING = 'Premature end of JPEG file';

export class JpegDecoder {
  private module: Promise<MozjpegModule> | null = null;
  private warnings: string[] = [];

  constructor(private readonly loadWasm: () => Promise<WebAssembly.Module>) {}

  private instance(): Promise<MozjpegModule> {
    this.module ??= this.loadWasm().then((wasm) =>
      (createMozjpeg as unknown as MozjpegFactory)({
        noInitialRun: true,
        instantiateWasm: (imports, done) => {
          const instance = new WebAssembly.Instance(wasm, imports);
          done(instance);
          return instance.exports;
        },
        print: () => {},
        printErr: (s) => this.warnings.push(s),
      }),
    );
    return this.module;
  }

  /** Decodes a 1- or 3-component JPEG; throws Error with libjpeg's message on corrupt or truncated data. */
  async decode(bytes: Uint8Array): Promise<RgbImage> {
    const module = await this.instance();
    this.warnings = [];
    let result: ReturnType<MozjpegModule['decode']>;
    try {
      // EXIF orientation is NOT applied: PIL's Image.open does not apply it either.
      result = module.decode(bytes as Uint8Array<ArrayBuffer>, false);
    } catch (err) {
      // A fatal libjpeg error exits the wasm program; start a fresh instance for the next image.
      this.module = null;
      throw new Error(this.warnings.join('; ') || String(err));
    }
    if (!result) throw new Error(this.warnings.join('; ') || 'libjpeg returned no image');
    if (this.warnings.some((w) => w.includes(TRUNCATED_WARNING))) throw new Error(TRUNCATED_WARNING);
    if (result.width * result.height > MAX_PIXELS) throw new Error('decoded past the pixel cap');
    return rgbaToRgb(result.data, result.width, result.height);
  }
}

/**
 * CMYK/YCCK JPEG: jpeg-js un-inverts Adobe CMYK as PIL does, and its C·(1 − K/255) + K matches PIL's
 * cmyk2rgb up to rounding; its IDCT and box upsampling add ±1–2 levels. CMYK photos are rare in datasets.
 */
export function decodeCmykJpeg(bytes: Uint8Array): RgbImage {
  // Bounded by the same pixel cap as the header check, and by memory (jpeg-js's own guards).
  const img = jpegJs.decode(bytes, {
    useTArray: true,
    formatAsRGBA: false,
    tolerantDecoding: false,
    maxResolutionInMP: MAX_PIXELS / 1e6,
    maxMemoryUsageInMB: 512,
  });
  return { data: img.data, width: img.width, height: img.height };
}
