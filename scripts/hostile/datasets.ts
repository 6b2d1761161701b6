// Small valid images and tar members to build hostile datasets around: every case mixes its bad item with
// good ones, so "the rest still runs" can be checked row by row.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';

export const MODEL = 'zoo-supervised-r10n';

/** A 40×40 RGB PNG whose pixels depend on `seed`. */
export function goodPng(seed: number): Uint8Array {
  const data = new Uint8Array(40 * 40 * 3).map((_, i) => (i * (seed + 3) + seed * 17) % 256);
  return encode({ width: 40, height: 40, data, channels: 3, depth: 8 });
}

/** The good items of every dataset case: two classes, two images each. */
export const GOOD_KEYS = ['cat/c1.png', 'cat/c2.png', 'dog/d1.png', 'dog/d2.png'];

export function writeGoodFolder(root: string): void {
  GOOD_KEYS.forEach((key, i) => {
    mkdirSync(join(root, key, '..'), { recursive: true });
    writeFileSync(join(root, key), goodPng(i));
  });
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

export interface TarMember {
  name: string;
  data: Uint8Array;
  /** Raw text for the 12-byte size field (e.g. "-1000"); default: the data's size in octal. */
  sizeText?: string;
  /** Raw bytes for the size field (base-256). */
  sizeBytes?: number[];
  type?: string;
  /** Corrupt the checksum. */
  badChecksum?: boolean;
}

export function tarHeader(m: TarMember): Uint8Array {
  const h = new Uint8Array(512);
  const put = (text: string, at: number, len: number) =>
    h.set(new TextEncoder().encode(text).subarray(0, len), at);
  put(m.name, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  if (m.sizeBytes) h.set(m.sizeBytes, 124);
  else put((m.sizeText ?? octal(m.data.length, 12)).padEnd(12, '\0'), 124, 12);
  put(octal(0, 12), 136, 12);
  put(m.type ?? '0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  h.fill(32, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  if (m.badChecksum) h[148] = '7'.charCodeAt(0);
  return h;
}

export function tar(members: TarMember[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const m of members) {
    parts.push(tarHeader(m));
    const padded = new Uint8Array(Math.ceil(m.data.length / 512) * 512);
    padded.set(m.data);
    parts.push(padded);
  }
  parts.push(new Uint8Array(1024));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const goodMembers = (): TarMember[] => GOOD_KEYS.map((name, i) => ({ name, data: goodPng(i) }));

/** `tlab embed` over `data`, writing to `out`. */
export function embedArgs(data: string, out: string, model = MODEL): string[] {
  return ['embed', '--model', model, '--data', data, '--out', out, '--no-cache', '--backend', 'cpu'];
}
