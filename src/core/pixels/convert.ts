// Decoded samples to 8-bit RGB with the rules of PIL's PNG reader followed by Image.convert('RGB').
//
// PIL's PNG modes: 1-bit grey -> '1' (0/255); 2/4-bit grey -> 'L' scaled by 85/17; 16-bit grey -> 'I'
// (the raw 0..65535 value), whose convert('RGB') CLIPS to 255 rather than scaling (so most 16-bit grey
// images come out nearly white, exactly as in PIL); 16-bit RGB/RGBA/LA keep the HIGH byte; palette images
// look indices up in PLTE; alpha and tRNS are dropped, never composited. No gamma or ICC is applied.

import type { RgbImage } from '../types.ts';

/** Decoded PNG samples as fast-png (or any PNG decoder) hands them over, before any conversion. */
export interface PngSamples {
  width: number;
  height: number;
  depth: 1 | 2 | 4 | 8 | 16;
  /** 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA; 1 for a palette image (with `palette`). */
  channels: number;
  /** Row-major samples; Uint16Array for depth 16; bytes of byte-aligned packed rows for depth < 8. */
  data: ArrayLike<number>;
  palette?: number[][];
}

/** Unpacks byte-aligned rows of `depth`-bit samples (depth < 8) into one value per pixel. */
export function unpackLowDepth(packed: ArrayLike<number>, width: number, height: number, depth: number) {
  const stride = Math.ceil((width * depth) / 8);
  const perByte = 8 / depth;
  const mask = (1 << depth) - 1;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const byte = packed[y * stride + Math.floor(x / perByte)];
      const shift = 8 - depth * ((x % perByte) + 1);
      out[y * width + x] = (byte >> shift) & mask;
    }
  }
  return out;
}

/** PIL's unpackers scale low-depth grey to 8 bits: '1' -> *255, 'L;2' -> *85, 'L;4' -> *17. */
const GREY_SCALE: Record<number, number> = { 1: 255, 2: 85, 4: 17, 8: 1 };

function greyToRgb(grey: ArrayLike<number>, n: number, step: number, toByte: (v: number) => number) {
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const v = toByte(grey[i * step]);
    out[i * 3] = v;
    out[i * 3 + 1] = v;
    out[i * 3 + 2] = v;
  }
  return out;
}

function colourToRgb(data: ArrayLike<number>, n: number, channels: number, toByte: (v: number) => number) {
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    out[i * 3] = toByte(data[i * channels]);
    out[i * 3 + 1] = toByte(data[i * channels + 1]);
    out[i * 3 + 2] = toByte(data[i * channels + 2]);
  }
  return out;
}

/** Palette lookup; an index past the PLTE entries gets PIL's default palette entry (grey ramp i, i, i). */
function paletteToRgb(indices: ArrayLike<number>, n: number, palette: number[][]) {
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const idx = indices[i];
    const entry = palette[idx];
    out[i * 3] = entry ? entry[0] : idx;
    out[i * 3 + 1] = entry ? entry[1] : idx;
    out[i * 3 + 2] = entry ? entry[2] : idx;
  }
  return out;
}

const highByte = (v: number) => v >> 8;
const clipTo255 = (v: number) => Math.min(255, v);
const identity = (v: number) => v;

export function pngSamplesToRgb(png: PngSamples): RgbImage {
  const { width, height, depth, channels } = png;
  const n = width * height;
  const samples = depth < 8 ? unpackLowDepth(png.data, width, height, depth) : png.data;
  let data: Uint8Array;
  if (png.palette) {
    data = paletteToRgb(samples, n, png.palette);
  } else if (channels <= 2) {
    // 16-bit grey alone is PIL mode 'I' (clipped); 16-bit grey+alpha is read as RGBA from the high bytes.
    const toByte =
      depth === 16 ? (channels === 1 ? clipTo255 : highByte) : (v: number) => v * GREY_SCALE[depth];
    data = greyToRgb(samples, n, channels, toByte);
  } else {
    data = colourToRgb(samples, n, channels, depth === 16 ? highByte : identity);
  }
  return { data, width, height };
}

/** RGBA (or RGBX) bytes to RGB by dropping the fourth byte: convert('RGB') never composites alpha. */
export function rgbaToRgb(rgba: ArrayLike<number>, width: number, height: number): RgbImage {
  const n = width * height;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    data[i * 3] = rgba[i * 4];
    data[i * 3 + 1] = rgba[i * 4 + 1];
    data[i * 3 + 2] = rgba[i * 4 + 2];
  }
  return { data, width, height };
}
